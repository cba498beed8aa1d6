//! 全量查重 (`/problems/scan`): province and ministry registrars start the full duplicate scan
//! of their province (or the country) and watch it — a progress bar polled from
//! `GET /scans/{id}` every second while it runs, then the problem records it opened per kind —
//! and see the recent runs (nightly and by hand). Leaders of those levels watch; everyone else
//! is told who may use it (the server refuses them anyway).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use xueji_shared::api::Me;
use xueji_shared::business::problems::api_scan::ScanRun;
use xueji_shared::business::problems::scan::ScanState;
use xueji_shared::org::{Level, Role};

use crate::api::Api;
use crate::auth::Session;
use crate::business::problems::strings::t;
use crate::components::form::FormAlert;
use crate::i18n::fill;
use crate::pages::settings::{browser_offset_minutes, local_time};

/// How often a running scan is polled.
pub const POLL: Duration = Duration::from_millis(1000);

/// Registrars and leaders of a province or the ministry see scans.
pub fn can_view(me: &Me) -> bool {
    me.role != Role::Admin && matches!(me.org.level, Level::Ministry | Level::Province)
}

/// Their registrars start them.
pub fn can_start(me: &Me) -> bool {
    me.role == Role::Registrar && matches!(me.org.level, Level::Ministry | Level::Province)
}

/// What the caller's scan covers.
pub fn scope_text(me: &Me) -> String {
    let s = t();
    if me.org.level == Level::Ministry {
        s.scan_scope_national.to_owned()
    } else {
        fill(s.scan_scope_province, &[("name", &me.org.name)])
    }
}

/// `已检查 done / total 人（p%）`.
pub fn progress_text(run: &ScanRun) -> String {
    fill(
        t().scan_progress,
        &[
            ("done", &run.done.to_string()),
            ("total", &run.total.to_string()),
            ("percent", &run.percent.to_string()),
        ],
    )
}

/// The summary line of a finished run.
pub fn found_text(run: &ScanRun) -> String {
    let s = t();
    match run.found() {
        0 => s.scan_found_none.to_owned(),
        n => fill(s.scan_found_total, &[("n", &n.to_string())]),
    }
}

/// The badge class of a run's state.
pub fn state_badge(state: ScanState) -> &'static str {
    match state {
        ScanState::Running => "badge badge-warn",
        ScanState::Done => "badge badge-ok",
        ScanState::Failed => "badge badge-danger",
    }
}

/// The list with `run` in place of the entry of the same id (or in front, when new).
pub fn merge_run(mut list: Vec<ScanRun>, run: ScanRun) -> Vec<ScanRun> {
    match list.iter_mut().find(|r| r.id == run.id) {
        Some(slot) => *slot = run,
        None => list.insert(0, run),
    }
    list
}

#[component]
pub fn ScanPage() -> impl IntoView {
    let s = t();
    let me = untrack(|| expect_context::<Session>().account());
    let body = match me {
        Some(me) if can_view(&me) => view! { <ScanView me=me/> }.into_any(),
        _ => view! {
            <div class="alert alert-error" role="alert" id="scan-forbidden">{s.scan_forbidden}</div>
        }
        .into_any(),
    };
    view! {
        <div class="page scan-page" data-page="scan">
            <A href="/problems" attr:class="back-link">{s.scan_back}</A>
            <h1 class="page-title">{s.scan_title}</h1>
            <p class="page-lead">{s.scan_lead}</p>
            {body}
        </div>
    }
}

#[component]
fn ScanView(me: Me) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let runs = RwSignal::new(None::<Vec<ScanRun>>);
    let alert = RwSignal::new(None::<String>);
    let starting = RwSignal::new(false);
    let starter = can_start(&me);
    let latest = Memo::new(move |_| runs.with(|r| r.as_ref().and_then(|r| r.first().cloned())));
    let running = Memo::new(move |_| {
        latest.with(|r| r.as_ref().is_some_and(|r| r.state == ScanState::Running))
    });

    // Poll a running run until it ends; stops by itself once the page is gone (its signals
    // are disposed).
    fn poll(
        api: Api,
        runs: RwSignal<Option<Vec<ScanRun>>>,
        alert: RwSignal<Option<String>>,
        id: i64,
    ) {
        set_timeout(
            move || {
                if runs.try_with_untracked(|_| ()).is_none() {
                    return;
                }
                spawn_local(async move {
                    match api.scan(id).await {
                        Ok(run) => {
                            let still = run.state == ScanState::Running;
                            runs.try_update(|list| {
                                *list = Some(merge_run(list.take().unwrap_or_default(), run))
                            });
                            if still {
                                poll(api, runs, alert, id);
                            }
                        }
                        Err(e) => {
                            // Keep trying through a network blip; stop on a real refusal.
                            let retry = e.is_network();
                            alert.try_set(Some(e.message()));
                            if retry {
                                poll(api, runs, alert, id);
                            }
                        }
                    }
                });
            },
            POLL,
        );
    }

    spawn_local(async move {
        match api.scans().await {
            Ok(list) => {
                let running_id = list
                    .first()
                    .filter(|r| r.state == ScanState::Running)
                    .map(|r| r.id);
                runs.try_set(Some(list));
                if let Some(id) = running_id {
                    poll(api, runs, alert, id);
                }
            }
            Err(e) => {
                runs.try_set(Some(Vec::new()));
                alert.try_set(Some(e.message()));
            }
        }
    });

    let start = move |_| {
        if starting.get_untracked() || running.get_untracked() {
            return;
        }
        starting.set(true);
        alert.set(None);
        spawn_local(async move {
            match api.start_scan().await {
                Ok(run) => {
                    let id = run.id;
                    runs.try_update(|list| {
                        *list = Some(merge_run(list.take().unwrap_or_default(), run))
                    });
                    poll(api, runs, alert, id);
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
            starting.try_set(false);
        });
    };

    let scope = scope_text(&me);
    view! {
        <div class="scan-layout">
            <div class="scan-main">
                <section class="card scan-start-card" id="scan-start-card">
                    <h2 class="card-title">{s.scan_start_title}</h2>
                    <dl class="scan-dl">
                        <div class="scan-dl-row">
                            <dt>{s.scan_scope}</dt>
                            <dd id="scan-scope">{scope}</dd>
                        </div>
                    </dl>
                    {if starter {
                        view! {
                            <div class="button-row">
                                <button
                                    type="button"
                                    id="scan-start"
                                    class="button button-primary"
                                    disabled=move || starting.get() || running.get() || runs.with(Option::is_none)
                                    on:click=start
                                >
                                    {move || if starting.get() { s.scan_starting } else { s.scan_start }}
                                </button>
                            </div>
                            <p class="form-hint" id="scan-running-note" hidden=move || !running.get()>
                                {s.scan_running_note}
                            </p>
                        }
                        .into_any()
                    } else {
                        view! { <p class="form-hint" id="scan-leader-note">{s.scan_leader_note}</p> }
                            .into_any()
                    }}
                    <FormAlert message=alert/>
                </section>
                <section class="card scan-current" id="scan-current">
                    <h2 class="card-title">{s.scan_current}</h2>
                    {move || match (runs.with(Option::is_none), latest.get()) {
                        (true, _) => view! { <p class="empty-note">{crate::i18n::t().common_loading}</p> }.into_any(),
                        (false, None) => view! { <p class="empty-note" id="scan-none">{s.scan_none}</p> }.into_any(),
                        (false, Some(run)) => view! { <RunDetail run=run/> }.into_any(),
                    }}
                </section>
            </div>
            <section class="card scan-history" id="scan-history">
                <h2 class="card-title">{s.scan_history}</h2>
                {move || runs.get().map(history)}
            </section>
        </div>
    }
}

/// The latest run: state, progress bar, counts.
#[component]
fn RunDetail(run: ScanRun) -> impl IntoView {
    let s = t();
    let offset = browser_offset_minutes();
    let percent = run.percent;
    let counts = [
        ("invalid_id", s.scan_found_invalid_id, run.found_invalid_id),
        (
            "dup_with_id",
            s.scan_found_dup_with_id,
            run.found_dup_with_id,
        ),
        (
            "dup_without_id",
            s.scan_found_dup_without_id,
            run.found_dup_without_id,
        ),
    ]
    .map(|(kind, label, n)| {
        view! {
            <li class="scan-count" data-kind=kind>
                <span class="scan-count-n">{n}</span>
                <span class="scan-count-label">{label}</span>
            </li>
        }
    });
    let running = run.state == ScanState::Running;
    let summary = (!running).then(|| {
        view! {
            <p class="scan-summary" id="scan-summary">{found_text(&run)}</p>
        }
    });
    let by = run
        .started_by
        .clone()
        .unwrap_or_else(|| s.scan_nightly_by.to_owned());
    view! {
        <div class="scan-run" data-run-id=run.id data-state=run.state.as_str()>
            <div class="scan-run-head">
                <span class=state_badge(run.state) id="scan-state">{run.state_label.clone()}</span>
                <span class="scan-run-scope">{run.scope_name.clone()}</span>
                <span class="scan-run-trigger">{run.trigger_label.clone()}</span>
            </div>
            <div
                class="scan-bar"
                id="scan-progress"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=percent
                aria-label=s.scan_progress_label
            >
                <div class="scan-bar-fill" style=format!("width: {percent}%")></div>
            </div>
            <p class="scan-progress-text" id="scan-progress-text">{progress_text(&run)}</p>
            <ul class="scan-counts" id="scan-counts">{counts}</ul>
            {summary}
            {run.error.clone().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            <dl class="scan-dl">
                <div class="scan-dl-row">
                    <dt>{s.scan_started_by}</dt>
                    <dd>{by}</dd>
                </div>
                <div class="scan-dl-row">
                    <dt>{s.scan_started_at}</dt>
                    <dd>{local_time(&run.started_at, offset)}</dd>
                </div>
                {run.finished_at.clone().map(|f| view! {
                    <div class="scan-dl-row">
                        <dt>{s.scan_finished_at}</dt>
                        <dd>{local_time(&f, offset)}</dd>
                    </div>
                })}
            </dl>
            {(!running && run.found() > 0).then(|| view! {
                <A href="/problems" attr:class="button button-secondary" attr:id="scan-view-problems">
                    {s.scan_view_problems}
                </A>
            })}
        </div>
    }
}

/// The recent runs, newest first.
fn history(list: Vec<ScanRun>) -> AnyView {
    let s = t();
    if list.is_empty() {
        return view! { <p class="empty-note">{s.scan_none}</p> }.into_any();
    }
    let offset = browser_offset_minutes();
    let rows = list
        .into_iter()
        .map(|r| {
            view! {
                <tr data-run-id=r.id data-state=r.state.as_str()>
                    <td class="cell-title cell-nowrap" data-label=s.scan_col_started>
                        {local_time(&r.started_at, offset)}
                    </td>
                    <td data-label=s.scan_col_scope>{r.scope_name.clone()}</td>
                    <td data-label=s.scan_col_trigger>{r.trigger_label.clone()}</td>
                    <td data-label=s.scan_col_state>
                        <span class=state_badge(r.state)>{r.state_label.clone()}</span>
                    </td>
                    <td class="cell-nowrap" data-label=s.scan_col_progress>{format!("{}%", r.percent)}</td>
                    <td data-label=s.scan_col_invalid>{r.found_invalid_id}</td>
                    <td data-label=s.scan_col_dup_with>{r.found_dup_with_id}</td>
                    <td data-label=s.scan_col_dup_without>{r.found_dup_without_id}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data-table scan-table" id="scan-runs">
                <thead>
                    <tr>
                        <th scope="col">{s.scan_col_started}</th>
                        <th scope="col">{s.scan_col_scope}</th>
                        <th scope="col">{s.scan_col_trigger}</th>
                        <th scope="col">{s.scan_col_state}</th>
                        <th scope="col">{s.scan_col_progress}</th>
                        <th scope="col">{s.scan_col_invalid}</th>
                        <th scope="col">{s.scan_col_dup_with}</th>
                        <th scope="col">{s.scan_col_dup_without}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xueji_shared::api::OrgSummary;
    use xueji_shared::business::problems::scan::ScanTrigger;

    fn me(level: Level, role: Role) -> Me {
        Me {
            id: 1,
            username: "u".into(),
            display_name: "用户".into(),
            role,
            org: OrgSummary {
                id: 1,
                code: "330000".into(),
                name: "浙江省教育厅".into(),
                level,
            },
            password_change_required: false,
        }
    }

    fn run(id: i64, state: ScanState, done: u64, total: u64) -> ScanRun {
        ScanRun {
            id,
            province_code: Some("330000".into()),
            scope_name: "浙江省教育厅".into(),
            trigger: ScanTrigger::Manual,
            trigger_label: ScanTrigger::Manual.label().into(),
            state,
            state_label: state.label().into(),
            total,
            done,
            percent: xueji_shared::business::problems::scan::percent(done, total),
            found_invalid_id: 1,
            found_dup_with_id: 2,
            found_dup_without_id: 0,
            started_by: Some("zj-registrar".into()),
            started_at: "2026-12-01T02:00:00+00:00".into(),
            finished_at: None,
            error: None,
        }
    }

    #[test]
    fn who_sees_and_starts() {
        assert!(can_start(&me(Level::Province, Role::Registrar)));
        assert!(can_start(&me(Level::Ministry, Role::Registrar)));
        assert!(!can_start(&me(Level::Province, Role::Leader)));
        assert!(can_view(&me(Level::Province, Role::Leader)));
        assert!(!can_view(&me(Level::Province, Role::Admin)));
        assert!(!can_view(&me(Level::County, Role::Registrar)));
        assert!(!can_start(&me(Level::School, Role::Registrar)));
    }

    #[test]
    fn texts() {
        assert!(scope_text(&me(Level::Province, Role::Registrar)).contains("浙江省教育厅"));
        assert!(scope_text(&me(Level::Ministry, Role::Registrar)).contains("全国"));
        assert_eq!(
            progress_text(&run(1, ScanState::Running, 500, 2000)),
            "已检查 500 / 2000 人（25%）"
        );
        assert!(found_text(&run(1, ScanState::Done, 1, 1)).contains('3'));
        let mut none = run(1, ScanState::Done, 1, 1);
        none.found_invalid_id = 0;
        none.found_dup_with_id = 0;
        assert_eq!(found_text(&none), t().scan_found_none);
    }

    #[test]
    fn polled_runs_replace_their_entry_and_new_ones_go_first() {
        let list = vec![
            run(2, ScanState::Running, 0, 10),
            run(1, ScanState::Done, 5, 5),
        ];
        let list = merge_run(list, run(2, ScanState::Done, 10, 10));
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].state, ScanState::Done);
        let list = merge_run(list, run(3, ScanState::Running, 0, 10));
        assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), [3, 2, 1]);
    }
}
