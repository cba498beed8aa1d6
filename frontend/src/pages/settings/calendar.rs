//! 工作日历 (`/settings/calendar`): one year's national holidays and make-up working days (set by
//! the ministry) and the province's additions, grouped by month, each with the level that set it.
//! The ministry's administrators edit the national days, a province's administrators their
//! province's additions (`#calendar-form`); entries from above are read-only. The shared rules
//! (`UpdateCalendar::validate`) check the list as it is typed; the server says the same.

use chrono::{Datelike, NaiveDate, Weekday};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use xueji_shared::api::FieldError;
use xueji_shared::api_config::{
    CalendarDay, CalendarSource, CalendarView, DayKind, UpdateCalendar,
};

use crate::api::Api;
use crate::components::form::{FieldErrorText, FormAlert, FormNotice, FormState, SubmitButton};
use crate::i18n::{fill, t};
use crate::pages::settings::{today, BackToSettings};

/// The kinds of day, in menu order.
const KINDS: [DayKind; 2] = [DayKind::Holiday, DayKind::MakeupWorkday];

/// One row of the list being edited (`key` keeps the row's inputs across edits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftDay {
    pub key: u32,
    /// `YYYY-MM-DD` as the date input gives it, or empty.
    pub date: String,
    pub kind: DayKind,
    pub note: String,
}

impl DraftDay {
    fn from_day(key: u32, d: &CalendarDay) -> Self {
        DraftDay {
            key,
            date: d.date.format("%Y-%m-%d").to_string(),
            kind: d.kind,
            note: d.note.clone(),
        }
    }

    fn parsed(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d").ok()
    }
}

/// The list the caller may replace (national for the ministry, the additions for a province).
pub fn own_days(v: &CalendarView) -> &[CalendarDay] {
    match v.editable {
        Some(CalendarSource::National) => &v.national,
        Some(CalendarSource::Province) => &v.province,
        None => &[],
    }
}

/// The days set above the caller's list (the national days when a province edits).
pub fn above_days(v: &CalendarView) -> &[CalendarDay] {
    match v.editable {
        Some(CalendarSource::Province) => &v.national,
        _ => &[],
    }
}

/// Field names as the server names them: `days[3].date`.
pub fn day_field(index: usize, key: &str) -> String {
    format!("days[{index}].{key}")
}

/// The problems with the rows being edited: a row without a date first, then the shared rules
/// on the rest, with their row numbers mapped back to the rows on screen.
pub fn problems(year: i32, drafts: &[DraftDay], above: &[CalendarDay]) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut days = Vec::new();
    let mut rows = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        match d.parsed() {
            Some(date) => {
                rows.push(i);
                days.push(CalendarDay {
                    date,
                    kind: d.kind,
                    note: d.note.clone(),
                });
            }
            None => out.push(FieldError::new(day_field(i, "date"), t().cal_date_required)),
        }
    }
    for mut e in (UpdateCalendar { year, days }).validate(above) {
        if let Some(rest) = e.field.strip_prefix("days[") {
            if let Some((n, tail)) = rest.split_once(']') {
                if let Some(row) = n.parse::<usize>().ok().and_then(|j| rows.get(j)) {
                    e.field = format!("days[{row}]{tail}");
                }
            }
        }
        out.push(e);
    }
    out
}

/// The request for the rows, when every row has a date.
pub fn to_request(year: i32, drafts: &[DraftDay]) -> Option<UpdateCalendar> {
    let days = drafts
        .iter()
        .map(|d| {
            d.parsed().map(|date| CalendarDay {
                date,
                kind: d.kind,
                note: d.note.trim().to_owned(),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(UpdateCalendar { year, days })
}

/// Every day of the year (national and the province's), by date, with its source, grouped by
/// month.
pub fn by_month(v: &CalendarView) -> Vec<(u32, Vec<(CalendarDay, CalendarSource)>)> {
    let mut all: Vec<(CalendarDay, CalendarSource)> = v
        .national
        .iter()
        .map(|d| (d.clone(), CalendarSource::National))
        .chain(
            v.province
                .iter()
                .map(|d| (d.clone(), CalendarSource::Province)),
        )
        .collect();
    all.sort_by_key(|(d, _)| d.date);
    let mut out: Vec<(u32, Vec<(CalendarDay, CalendarSource)>)> = Vec::new();
    for (d, src) in all {
        let m = d.date.month();
        match out.last_mut() {
            Some((month, list)) if *month == m => list.push((d, src)),
            _ => out.push((m, vec![(d, src)])),
        }
    }
    out
}

/// "周六".
pub fn weekday_label(date: NaiveDate) -> &'static str {
    let i = match date.weekday() {
        Weekday::Mon => 0,
        Weekday::Tue => 1,
        Weekday::Wed => 2,
        Weekday::Thu => 3,
        Weekday::Fri => 4,
        Weekday::Sat => 5,
        Weekday::Sun => 6,
    };
    t().cal_weekdays.split(',').nth(i).unwrap_or("")
}

fn source_label(src: CalendarSource) -> &'static str {
    match src {
        CalendarSource::National => t().cal_source_national,
        CalendarSource::Province => t().cal_source_province,
    }
}

fn source_slug(src: CalendarSource) -> &'static str {
    match src {
        CalendarSource::National => "national",
        CalendarSource::Province => "province",
    }
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let this_year = today().year();
    let year = RwSignal::new(this_year);
    let data = RwSignal::new(None::<CalendarView>);
    let drafts = RwSignal::new(Vec::<DraftDay>::new());
    let next_key = StoredValue::new(0u32);
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let load_alert = RwSignal::new(None::<String>);

    // The rows of the editable list, fresh from the server's view.
    let reset_drafts = move |v: &CalendarView| {
        let rows = own_days(v)
            .iter()
            .map(|d| {
                let key = next_key.get_value();
                next_key.set_value(key + 1);
                DraftDay::from_day(key, d)
            })
            .collect();
        drafts.set(rows);
        form.reset();
    };

    Effect::new(move |_| {
        let y = year.get();
        data.set(None);
        load_alert.set(None);
        notice.set(None);
        spawn_local(async move {
            let result = api.calendar(y).await;
            if year.try_get_untracked() != Some(y) {
                return;
            }
            match result {
                Ok(v) => {
                    reset_drafts(&v);
                    data.try_set(Some(v));
                }
                Err(e) => {
                    load_alert.try_set(Some(e.message()));
                }
            }
        });
    });

    let local = Memo::new(move |_| {
        data.with(|d| match d {
            Some(v) if v.editable.is_some() => {
                drafts.with(|rows| problems(v.year, rows, above_days(v)))
            }
            _ => Vec::new(),
        })
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(y) = data.with_untracked(|d| d.as_ref().map(|v| v.year)) else {
            return;
        };
        if !form.begin(&local.get_untracked()) {
            return;
        }
        let Some(req) = drafts.with_untracked(|rows| to_request(y, rows)) else {
            form.pending.set(false);
            return;
        };
        let count = req.days.len();
        notice.set(None);
        spawn_local(async move {
            match api.update_calendar(&req).await {
                Ok(v) => {
                    reset_drafts(&v);
                    notice.try_set(Some(t().cfg_saved.to_owned()));
                    data.try_set(Some(v));
                }
                Err(e) => {
                    let mut names: Vec<String> = (0..count)
                        .flat_map(|i| ["date", "kind", "note"].map(|k| day_field(i, k)))
                        .collect();
                    names.push("days".into());
                    names.push("year".into());
                    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                    form.fail(&e, &refs);
                }
            }
        });
    };

    let add_row = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        drafts.update(|rows| {
            rows.push(DraftDay {
                key,
                date: String::new(),
                kind: DayKind::Holiday,
                note: String::new(),
            })
        });
    };

    let overview = move || {
        let v = data.get()?;
        let months = by_month(&v);
        let body = if months.is_empty() {
            view! { <p class="empty-note">{s.cal_empty}</p> }.into_any()
        } else {
            months
                .into_iter()
                .map(|(m, days)| {
                    let rows = days
                        .into_iter()
                        .map(|(d, src)| {
                            let kind_class = match d.kind {
                                DayKind::Holiday => "badge badge-danger cal-kind",
                                DayKind::MakeupWorkday => "badge badge-ok cal-kind",
                            };
                            let src_class = match src {
                                CalendarSource::National => "badge badge-muted cal-source",
                                CalendarSource::Province => "badge badge-warn cal-source",
                            };
                            view! {
                                <li
                                    class="cal-row"
                                    data-day=d.date.format("%Y-%m-%d").to_string()
                                    data-kind=d.kind.as_str()
                                    data-source=source_slug(src)
                                >
                                    <span class="cal-date">
                                        {d.date.format("%m-%d").to_string()}
                                        " "
                                        <span class="cal-weekday">{weekday_label(d.date)}</span>
                                    </span>
                                    <span class=kind_class>{d.kind.label()}</span>
                                    <span class="cal-note">{d.note.clone()}</span>
                                    <span class=src_class>{source_label(src)}</span>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <section class="cal-month" data-month=m.to_string()>
                            <h3 class="section-title">
                                {fill(s.cal_month, &[("month", &m.to_string())])}
                            </h3>
                            <ul class="cal-list">{rows}</ul>
                        </section>
                    }
                })
                .collect_view()
                .into_any()
        };
        Some(view! {
            <section class="card cal-overview">
                <h2 class="card-title">
                    {fill(s.cal_overview, &[("year", &v.year.to_string())])}
                </h2>
                {body}
            </section>
        })
    };

    let editor = move || {
        let v = data.get()?;
        let Some(source) = v.editable else {
            return Some(view! { <p class="hint cal-read-only">{s.cal_no_edit}</p> }.into_any());
        };
        let title = match source {
            CalendarSource::National => s.cal_edit_national,
            CalendarSource::Province => s.cal_edit_province,
        };
        let above_note = (source == CalendarSource::Province)
            .then(|| view! { <p class="form-hint">{s.cal_national_read_only}</p> });
        let (min, max) = (format!("{}-01-01", v.year), format!("{}-12-31", v.year));
        let days_err = form.error("days", local);
        let year_err = form.error("year", local);
        Some(
            view! {
                <form
                    id="calendar-form"
                    class="card cal-form"
                    data-source=source_slug(source)
                    on:submit=on_submit
                    novalidate
                >
                    <h2 class="card-title">{title}</h2>
                    {above_note}
                    <p class="form-hint">{s.cal_edit_hint}</p>
                    <FormAlert message=form.alert/>
                    <FieldErrorText field="year" message=year_err/>
                    <ol class="cal-edit-list">
                        <For
                            each=move || drafts.with(|rows| rows.iter().map(|d| d.key).collect::<Vec<_>>())
                            key=|k| *k
                            let:key
                        >
                            <DraftRow
                                key=key
                                drafts=drafts
                                form=form
                                local=local
                                min=min.clone()
                                max=max.clone()
                            />
                        </For>
                    </ol>
                    <FieldErrorText field="days" message=days_err/>
                    <div class="button-row">
                        <button
                            class="button button-secondary"
                            type="button"
                            id="calendar-add"
                            on:click=add_row
                        >
                            {s.cal_add}
                        </button>
                        <SubmitButton form=form/>
                    </div>
                </form>
            }
            .into_any(),
        )
    };

    let year_options = move || {
        let current = year.get();
        let lo = (this_year - 5).min(current);
        let hi = (this_year + 2).max(current);
        (lo..=hi)
            .map(|y| {
                view! {
                    <option value=y.to_string() selected=y == current>
                        {y.to_string()}
                    </option>
                }
            })
            .collect_view()
    };
    let step = move |by: i32| {
        year.update(|y| *y = (*y + by).clamp(2000, 2100));
    };

    view! {
        <div class="page settings-page config-page" data-page="calendar">
            <BackToSettings/>
            <h1 class="page-title">{s.cal_title}</h1>
            <p class="page-lead">{s.cal_lead}</p>
            <div class="toolbar cal-toolbar">
                <button
                    class="button button-secondary button-small"
                    type="button"
                    id="calendar-prev"
                    on:click=move |_| step(-1)
                >
                    {s.cal_prev_year}
                </button>
                <label class="form-field cal-year">
                    <span class="visually-hidden">{s.cal_year}</span>
                    <select
                        class="input"
                        name="year"
                        prop:value=move || year.get().to_string()
                        on:change=move |ev| {
                            if let Ok(y) = event_target_value(&ev).parse::<i32>() {
                                year.set(y);
                            }
                        }
                    >
                        {year_options}
                    </select>
                </label>
                <button
                    class="button button-secondary button-small"
                    type="button"
                    id="calendar-next"
                    on:click=move |_| step(1)
                >
                    {s.cal_next_year}
                </button>
            </div>
            <FormAlert message=load_alert/>
            <FormNotice message=notice/>
            {move || {
                data.with(Option::is_none)
                    .then(|| view! { <p class="empty-note">{s.cfg_loading}</p> })
            }}
            <div class="cal-layout">
                {overview}
                {editor}
            </div>
        </div>
    }
}

/// One editable row of `#calendar-form`: date, kind, note and a remove button.
#[component]
fn DraftRow(
    key: u32,
    drafts: RwSignal<Vec<DraftDay>>,
    form: FormState,
    local: Memo<Vec<FieldError>>,
    min: String,
    max: String,
) -> impl IntoView {
    let s = t();
    let index = Memo::new(move |_| {
        drafts
            .with(|rows| rows.iter().position(|d| d.key == key))
            .unwrap_or(0)
    });
    let read = move |f: fn(&DraftDay) -> String| {
        drafts.with(|rows| {
            rows.iter()
                .find(|d| d.key == key)
                .map(f)
                .unwrap_or_default()
        })
    };
    let write = move |f: &dyn Fn(&mut DraftDay)| {
        drafts.update(|rows| {
            if let Some(d) = rows.iter_mut().find(|d| d.key == key) {
                f(d);
            }
        });
    };
    let error = move |k: &'static str| {
        move || {
            let name = day_field(index.get(), k);
            form.message(&name, &local.get())
                .map(|m| view! { <p class="field-error" data-field=name>{m}</p> })
        }
    };
    let kind_options = KINDS
        .iter()
        .map(|k| {
            let k = *k;
            view! {
                <option
                    value=k.as_str()
                    selected=move || read(|d| d.kind.as_str().to_owned()) == k.as_str()
                >
                    {k.label()}
                </option>
            }
        })
        .collect_view();
    view! {
        <li class="cal-edit-row" data-index=move || index.get().to_string()>
            <span class="cal-edit-no">
                {move || fill(s.cal_row, &[("n", &(index.get() + 1).to_string())])}
            </span>
            <label class="form-field">
                <span class="form-label">{s.cal_date}</span>
                <input
                    class="input"
                    type="date"
                    name="date"
                    min=min
                    max=max
                    prop:value=move || read(|d| d.date.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        write(&|d| d.date = value.clone());
                        form.touch(&day_field(index.get_untracked(), "date"));
                    }
                />
                {error("date")}
            </label>
            <label class="form-field">
                <span class="form-label">{s.cal_kind}</span>
                <select
                    class="input"
                    name="kind"
                    prop:value=move || read(|d| d.kind.as_str().to_owned())
                    on:change=move |ev| {
                        if let Some(kind) = DayKind::parse(&event_target_value(&ev)) {
                            write(&|d| d.kind = kind);
                            form.touch(&day_field(index.get_untracked(), "kind"));
                        }
                    }
                >
                    {kind_options}
                </select>
                {error("kind")}
            </label>
            <label class="form-field">
                <span class="form-label">
                    {s.cal_note} " " <span class="optional">{s.common_optional}</span>
                </span>
                <input
                    class="input"
                    type="text"
                    name="note"
                    autocomplete="off"
                    placeholder=s.cal_note_placeholder
                    prop:value=move || read(|d| d.note.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        write(&|d| d.note = value.clone());
                        form.touch(&day_field(index.get_untracked(), "note"));
                    }
                />
                {error("note")}
            </label>
            <button
                class="button button-secondary button-small cal-remove"
                type="button"
                on:click=move |_| {
                    drafts.update(|rows| rows.retain(|d| d.key != key));
                    form.touch("days");
                }
            >
                {s.cal_remove}
            </button>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn day(date: NaiveDate, kind: DayKind) -> CalendarDay {
        CalendarDay {
            date,
            kind,
            note: String::new(),
        }
    }

    fn draft(key: u32, date: &str, kind: DayKind) -> DraftDay {
        DraftDay {
            key,
            date: date.into(),
            kind,
            note: String::new(),
        }
    }

    #[test]
    fn problems_name_the_rows_on_screen() {
        let national = [day(d(2026, 10, 1), DayKind::Holiday)];
        let rows = [
            draft(0, "", DayKind::Holiday),
            draft(1, "2026-10-01", DayKind::Holiday),
            // Monday: not a weekend day.
            draft(2, "2026-10-12", DayKind::MakeupWorkday),
            draft(3, "2026-10-10", DayKind::MakeupWorkday),
        ];
        let fields: Vec<String> = problems(2026, &rows, &national)
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["days[0].date", "days[1].date", "days[2].kind"]);
        assert!(problems(2026, &rows[3..], &national).is_empty());
        assert!(to_request(2026, &rows).is_none());
        let req = to_request(2026, &rows[1..]).expect("all dated");
        assert_eq!(req.days.len(), 3);
        assert_eq!(req.days[2].date, d(2026, 10, 10));
    }

    #[test]
    fn days_by_month_with_their_source() {
        let view = CalendarView {
            year: 2026,
            province_code: "330000".into(),
            national: vec![
                day(d(2026, 10, 1), DayKind::Holiday),
                day(d(2026, 1, 1), DayKind::Holiday),
            ],
            province: vec![day(d(2026, 10, 10), DayKind::MakeupWorkday)],
            editable: Some(CalendarSource::Province),
        };
        let months = by_month(&view);
        assert_eq!(months.len(), 2);
        assert_eq!(months[0].0, 1);
        assert_eq!(months[1].1.len(), 2);
        assert_eq!(months[1].1[1].1, CalendarSource::Province);
        assert_eq!(own_days(&view).len(), 1);
        assert_eq!(above_days(&view).len(), 2);
        assert_eq!(weekday_label(d(2026, 10, 10)), "周六");
        assert_eq!(weekday_label(d(2026, 10, 12)), "周一");
    }
}
