//! 审计日志 (`/settings/audit`, leaders and administrators): the audit entries of the caller's
//! jurisdiction with filters and pages; before/after values on expand; administrators verify
//! the hash chain (校验审计链).

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use xueji_shared::api::{AuditEntryInfo, AuditPage, AuditVerifyReport};
use xueji_shared::org::Role;

use crate::api::{Api, AuditQuery};
use crate::components::form::FormAlert;
use crate::i18n::{fill, t};
use crate::pages::settings::{browser_offset_minutes, current_role, local_time, BackToSettings};

// ─────────────────────────────── pure helpers ───────────────────────────────

/// Entries per page.
pub const PER_PAGE: u32 = 50;

/// Number of pages for `total` entries (at least 1, so "第 1 / 1 页" reads right when empty).
pub fn page_count(total: u64, per_page: u32) -> u32 {
    let per_page = u64::from(per_page.max(1));
    u32::try_from(total.div_ceil(per_page))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// Whether a date range is usable: either end may be blank; `YYYY-MM-DD` strings compare in
/// date order.
pub fn range_ok(from: &str, to: &str) -> bool {
    from.is_empty() || to.is_empty() || from <= to
}

/// A JSON value (before/after) pretty-printed; the raw text when it is not JSON.
pub fn pretty_json(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_owned())
}

/// The summary line of a verify report.
pub fn verify_summary(report: &AuditVerifyReport) -> String {
    let s = t();
    let checked = report.checked.to_string();
    if report.ok && report.breaks.is_empty() {
        fill(s.audit_verify_ok, &[("checked", &checked)])
    } else {
        fill(
            s.audit_verify_broken,
            &[
                ("n", &report.breaks.len().to_string()),
                ("checked", &checked),
            ],
        )
    }
}

// ─────────────────────────────────── page ───────────────────────────────────

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let s = t();
    move || match current_role() {
        Some(role @ (Role::Admin | Role::Leader)) => {
            view! { <AuditLog admin=role == Role::Admin/> }.into_any()
        }
        _ => view! {
            <div class="page audit-page" data-page="audit">
                <BackToSettings/>
                <h1 class="page-title">{s.audit_title}</h1>
                <div class="alert alert-error" role="alert">{s.audit_forbidden}</div>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn AuditLog(admin: bool) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let query = RwSignal::new(AuditQuery {
        per_page: PER_PAGE,
        ..AuditQuery::default()
    });
    let page = RwSignal::new(None::<AuditPage>);
    let loading = RwSignal::new(false);
    let alert = RwSignal::new(None::<String>);
    let expanded = RwSignal::new(BTreeSet::<i64>::new());
    // Filter inputs (applied on submit).
    let action = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let range_error = RwSignal::new(None::<String>);

    let load = move |q: AuditQuery| {
        query.set(q.clone());
        loading.set(true);
        alert.set(None);
        spawn_local(async move {
            let result = api.audit(&q).await;
            loading.try_set(false);
            match result {
                Ok(p) => {
                    expanded.try_set(BTreeSet::new());
                    page.try_set(Some(p));
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
        });
    };
    load(query.get_untracked());

    let on_filter = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (f, t_) = (from.get_untracked(), to.get_untracked());
        if !range_ok(&f, &t_) {
            range_error.set(Some(s.audit_range_invalid.to_owned()));
            return;
        }
        range_error.set(None);
        load(AuditQuery {
            page: 1,
            per_page: PER_PAGE,
            action: action.get_untracked(),
            username: username.get_untracked(),
            from: f,
            to: t_,
        });
    };
    let on_reset = move |_| {
        for signal in [action, username, from, to] {
            signal.set(String::new());
        }
        range_error.set(None);
        load(AuditQuery {
            per_page: PER_PAGE,
            ..AuditQuery::default()
        });
    };
    let go = move |delta: i64| {
        let mut q = query.get_untracked();
        let pages = page.with_untracked(|p| {
            p.as_ref()
                .map(|p| page_count(p.total, p.per_page))
                .unwrap_or(1)
        });
        let next = (i64::from(q.page) + delta).clamp(1, i64::from(pages));
        q.page = u32::try_from(next).unwrap_or(1);
        load(q);
    };

    // Verify (administrators).
    let verifying = RwSignal::new(false);
    let report = RwSignal::new(None::<AuditVerifyReport>);
    let verify = move |_| {
        verifying.set(true);
        alert.set(None);
        spawn_local(async move {
            let result = api.audit_verify().await;
            verifying.try_set(false);
            match result {
                Ok(r) => {
                    report.try_set(Some(r));
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
        });
    };
    let report_view = move || {
        report.get().map(|r| {
            let ok = r.ok && r.breaks.is_empty();
            let summary = verify_summary(&r);
            let breaks = r
                .breaks
                .iter()
                .map(|b| {
                    let text = fill(
                        s.audit_break_entry,
                        &[
                            ("id", &b.entry_id.to_string()),
                            ("province", &b.province_code),
                            ("reason", &b.reason),
                        ],
                    );
                    view! { <li data-entry-id=b.entry_id.to_string()>{text}</li> }
                })
                .collect_view();
            view! {
                <div
                    id="audit-verify-report"
                    class=if ok { "alert alert-success" } else { "alert alert-error" }
                    role="status"
                    data-ok=ok.to_string()
                >
                    <p class="verify-summary">{summary}</p>
                    <ul class="verify-breaks">{breaks}</ul>
                </div>
            }
        })
    };

    let rows = move || {
        let items = page.with(|p| p.as_ref().map(|p| p.items.clone()).unwrap_or_default());
        let offset = browser_offset_minutes();
        items
            .into_iter()
            .map(|entry| {
                let id = entry.id;
                let open = move || expanded.with(|e| e.contains(&id));
                let has_detail = entry.before.is_some() || entry.after.is_some();
                let toggle = move |_| {
                    expanded.update(|e| {
                        if !e.remove(&id) {
                            e.insert(id);
                        }
                    })
                };
                let detail = entry.clone();
                view! {
                    <tr data-audit-id=id.to_string() data-action=entry.action.clone()>
                        <td class="cell-title" data-label=s.audit_col_time>{local_time(&entry.at, offset)}</td>
                        <td data-label=s.audit_col_action>
                            <span class="audit-action-label">{entry.action_label.clone()}</span>
                            <span class="audit-action-code">{entry.action.clone()}</span>
                        </td>
                        <td data-label=s.audit_col_actor>{or_none(entry.actor_username.clone())}</td>
                        <td data-label=s.audit_col_org>{or_none(entry.actor_org_name.clone())}</td>
                        <td data-label=s.audit_col_object>{object_text(&entry)}</td>
                        <td data-label=s.audit_col_ip>{or_none(entry.client_ip.clone())}</td>
                        <td class="cell-actions" data-label=s.audit_details>
                            {has_detail.then(|| view! {
                                <button class="button button-small" type="button" data-action="details"
                                    aria-expanded=move || open().to_string()
                                    on:click=toggle>
                                    {move || if open() { s.audit_hide } else { s.audit_details }}
                                </button>
                            })}
                        </td>
                    </tr>
                    {move || open().then(|| view! { <AuditDetail entry=detail.clone()/> })}
                }
            })
            .collect_view()
    };

    let pager = move || {
        page.get().map(|p| {
            let pages = page_count(p.total, p.per_page);
            let text = fill(
                s.audit_total,
                &[
                    ("total", &p.total.to_string()),
                    ("page", &p.page.to_string()),
                    ("pages", &pages.to_string()),
                ],
            );
            let (first, last) = (p.page <= 1, p.page >= pages);
            let label = text.clone();
            view! {
                <nav class="pager" aria-label=label>
                    <button id="audit-prev" class="button button-secondary" type="button"
                        disabled=move || first || loading.get() on:click=move |_| go(-1)>
                        {s.audit_prev}
                    </button>
                    <span class="pager-text">{text}</span>
                    <button id="audit-next" class="button button-secondary" type="button"
                        disabled=move || last || loading.get() on:click=move |_| go(1)>
                        {s.audit_next}
                    </button>
                </nav>
            }
        })
    };

    let text_input = move |name: &'static str,
                           label: &'static str,
                           kind: &'static str,
                           value: RwSignal<String>,
                           placeholder: &'static str| {
        view! {
            <label class="form-field">
                <span class="form-label">{label}</span>
                <input
                    class="input"
                    type=kind
                    name=name
                    autocomplete="off"
                    placeholder=placeholder
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };

    view! {
        <div class="page audit-page" data-page="audit">
            <BackToSettings/>
            <h1 class="page-title">{s.audit_title}</h1>
            <p class="page-lead">{s.audit_lead}</p>
            <form id="audit-filters" class="card filter-grid" on:submit=on_filter novalidate>
                {text_input("action", s.audit_filter_action, "text", action, s.audit_filter_action_placeholder)}
                {text_input("username", s.audit_filter_username, "text", username, s.common_optional)}
                {text_input("from", s.audit_filter_from, "date", from, s.common_optional)}
                <div>
                    {text_input("to", s.audit_filter_to, "date", to, s.common_optional)}
                    {move || range_error.get().map(|m| view! { <p class="field-error" data-field="to">{m}</p> })}
                </div>
                <div class="button-row filter-buttons">
                    <button id="audit-apply" class="button button-primary" type="submit">{s.audit_apply}</button>
                    <button id="audit-reset" class="button button-secondary" type="button" on:click=on_reset>
                        {s.audit_reset}
                    </button>
                    {admin.then(|| view! {
                        <button id="audit-verify" class="button button-secondary" type="button"
                            disabled=move || verifying.get() on:click=verify>
                            {move || if verifying.get() { s.audit_verifying } else { s.audit_verify }}
                        </button>
                    })}
                </div>
            </form>
            {report_view}
            <FormAlert message=alert/>
            <div class="table-wrap card">
                <table id="audit-list" class="data-table audit-table" aria-busy=move || loading.get().to_string()>
                    <thead>
                        <tr>
                            <th scope="col">{s.audit_col_time}</th>
                            <th scope="col">{s.audit_col_action}</th>
                            <th scope="col">{s.audit_col_actor}</th>
                            <th scope="col">{s.audit_col_org}</th>
                            <th scope="col">{s.audit_col_object}</th>
                            <th scope="col">{s.audit_col_ip}</th>
                            <th scope="col">{s.audit_details}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                {move || {
                    if loading.get() && page.with(Option::is_none) {
                        Some(view! { <p class="empty-note">{s.common_loading}</p> }.into_any())
                    } else if page.with(|p| p.as_ref().is_some_and(|p| p.items.is_empty())) {
                        Some(view! { <p id="audit-empty" class="empty-note">{s.audit_empty}</p> }.into_any())
                    } else {
                        None
                    }
                }}
            </div>
            {pager}
        </div>
    }
}

/// The before/after values of one entry, in a row spanning the table.
#[component]
fn AuditDetail(entry: AuditEntryInfo) -> impl IntoView {
    let s = t();
    let block = |label: &'static str, key: &'static str, value: Option<String>| {
        value.map(|v| {
            view! {
                <div class="audit-values" data-values=key>
                    <h3 class="audit-values-title">{label}</h3>
                    <pre class="audit-json">{pretty_json(&v)}</pre>
                </div>
            }
        })
    };
    view! {
        <tr class="audit-detail" data-audit-detail=entry.id.to_string()>
            <td colspan="7">
                <div class="audit-values-grid">
                    {block(s.audit_before, "before", entry.before)}
                    {block(s.audit_after, "after", entry.after)}
                </div>
            </td>
        </tr>
    }
}

fn or_none(value: Option<String>) -> String {
    value.unwrap_or_else(|| t().common_none.to_owned())
}

/// `account #12`, or just the type when there is no id.
fn object_text(entry: &AuditEntryInfo) -> String {
    match &entry.object_id {
        Some(id) => format!("{} #{id}", entry.object_type),
        None => entry.object_type.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xueji_shared::api::ChainBreakInfo;

    #[test]
    fn pages() {
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(50, 50), 1);
        assert_eq!(page_count(51, 50), 2);
        assert_eq!(page_count(120, 50), 3);
        assert_eq!(page_count(5, 0), 5);
    }

    #[test]
    fn date_ranges() {
        assert!(range_ok("", ""));
        assert!(range_ok("2026-01-01", ""));
        assert!(range_ok("", "2026-01-01"));
        assert!(range_ok("2026-01-01", "2026-01-01"));
        assert!(range_ok("2026-01-31", "2026-02-01"));
        assert!(!range_ok("2026-02-01", "2026-01-31"));
    }

    #[test]
    fn json_values_are_pretty_printed() {
        assert_eq!(pretty_json(r#"{"a":1}"#), "{\n  \"a\": 1\n}");
        assert_eq!(pretty_json("不是 JSON"), "不是 JSON");
    }

    #[test]
    fn verify_summaries() {
        let ok = AuditVerifyReport {
            ok: true,
            checked: 42,
            breaks: Vec::new(),
        };
        assert_eq!(verify_summary(&ok), "审计链完整：已校验 42 条记录");
        let broken = AuditVerifyReport {
            ok: false,
            checked: 42,
            breaks: vec![
                ChainBreakInfo {
                    province_code: "330000".into(),
                    entry_id: 7,
                    reason: "内容被修改".into(),
                },
                ChainBreakInfo {
                    province_code: "330000".into(),
                    entry_id: 9,
                    reason: "记录被删除".into(),
                },
            ],
        };
        assert_eq!(
            verify_summary(&broken),
            "审计链有 2 处断裂（已校验 42 条记录）"
        );
    }
}
