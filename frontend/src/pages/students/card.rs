//! 学籍卡 (`/students/{id}`): the student's current number (`#card-number`), school, grade,
//! class and status; the numbers the student has held (`#card-numbers`, L → G/J); its problem
//! records (`#card-problems`); and the whole record in the sections of the registration form
//! (code values shown with their Chinese labels). Printing (`#card-print`) leaves out the
//! navigation and buttons.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use xueji_shared::api_students::{NumberHistory, ProblemInfo, StudentCard};
use xueji_shared::business::problems::problem::ProblemState;
use xueji_shared::codes::Gender;
use xueji_shared::student_number::Kind;

use crate::api::Api;
use crate::i18n::fill;
use crate::pages::settings::{browser_offset_minutes, local_time};
use crate::pages::students::strings::t;
use crate::record::form::RecordView;

/// The Chinese label of a number kind (`G`, `J`, `L`).
pub fn number_kind_label(kind: &str) -> &'static str {
    match kind {
        "G" => Kind::G.label(),
        "J" => Kind::J.label(),
        _ => Kind::L.label(),
    }
}

/// The Chinese label of a problem state (`open`, `arbitration`, `resolved`).
pub fn problem_state_label(state: &str) -> String {
    ProblemState::parse(state).map_or_else(|| state.to_owned(), |s| s.label().to_owned())
}

#[component]
pub fn StudentCardPage() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let card = RwSignal::new(None::<StudentCard>);
    let load_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let id = id.get();
        spawn_local(async move {
            match api.student_card(id).await {
                Ok(c) => {
                    card.try_set(Some(c));
                }
                Err(e) => {
                    load_error.try_set(Some(e.message()));
                }
            }
        });
    });
    let print = move |_| {
        let _ = window().print();
    };

    view! {
        <div class="page student-card-page" data-page="student-card">
            <div class="card-page-actions no-print">
                <A href="/students" attr:class="back-link">{s.card_back}</A>
                {move || card.get().map(|c| view! {
                    <crate::business::change::history::EditButton student_id=c.id school_id=c.school.id/>
                })}
                <button id="card-print" class="button button-secondary button-small" type="button" on:click=print>
                    {s.card_print}
                </button>
            </div>
            <h1 class="page-title">{s.card_title}</h1>
            {move || {
                load_error
                    .get()
                    .map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })
            }}
            {move || card.get().map(|c| view! { <CardBody card=c/> })}
        </div>
    }
}

#[component]
fn CardBody(card: StudentCard) -> impl IntoView {
    let s = t();
    let offset = browser_offset_minutes();
    let unresolved = card.problems.iter().any(|p| p.state != "resolved");
    let gender = Gender::from_code(&card.record.gender)
        .map_or(card.record.gender.clone(), |g| g.label().to_owned());
    let birth = card
        .record
        .birth_date
        .map(|d| d.to_string())
        .unwrap_or_default();
    let or_unknown = |v: Option<String>| v.unwrap_or_else(|| s.stu_unknown.to_owned());
    let status_class = if card.status == "active" {
        "badge badge-ok"
    } else {
        "badge badge-muted"
    };
    let row = |label: &'static str, field: &'static str, value: String| {
        view! {
            <div class="reg-dl-row" data-field=field>
                <dt>{label}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    view! {
        <section class="card student-card-head" id="student-card" data-student-id=card.id.to_string()>
            <div class="student-card-title">
                <h2 class="student-card-name" id="card-name">{card.record.name.clone()}</h2>
                <span class="student-card-sub">{format!("{gender} · {birth}")}</span>
                <span class="badges">
                    <span class=status_class data-field="status">{card.status_label.clone()}</span>
                    {unresolved.then(|| view! { <span class="badge badge-warn">{s.stu_has_problem}</span> })}
                </span>
            </div>
            <p class="reg-number-label">{crate::record::strings::t().reg_student_number}</p>
            <p class="reg-number" id="card-number" data-kind=card.number_kind.clone()>
                {card.student_number.clone()}
            </p>
            <p class="student-card-kind">{card.number_kind_label.clone()}</p>
            <dl class="reg-dl student-card-facts">
                {row(s.card_school, "school", card.school.name.clone())}
                {row(s.card_grade, "grade", or_unknown(card.grade_label.clone()))}
                {row(s.card_class, "class", or_unknown(card.class_name.clone()))}
                {row(s.card_status, "status", card.status_label.clone())}
                {row(s.card_registered, "created_at", local_time(&card.created_at, offset))}
                {row(s.card_updated, "updated_at", local_time(&card.updated_at, offset))}
            </dl>
        </section>
        <div class="card-columns">
            {numbers_view(card.numbers.clone(), offset)}
            {problems_view(card.problems.clone(), offset)}
        </div>
        <crate::business::change::history::StudentHistory student_id=card.id/>
        <h2 class="reg-record-title">{s.card_record}</h2>
        <div class="student-card-record">
            <RecordView record=card.record.clone()/>
        </div>
        <p class="print-only student-card-printed">
            {fill(s.card_printed_at, &[("at", &local_time(&js_now(), offset))])}
        </p>
    }
}

/// Now as RFC 3339 (the browser's clock), for the printed footer.
fn js_now() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

fn numbers_view(numbers: Vec<NumberHistory>, offset: i32) -> impl IntoView {
    let s = t();
    let rows = numbers
        .into_iter()
        .map(|n| {
            let retired = n
                .retired_at
                .as_deref()
                .map_or_else(|| s.card_num_current.to_owned(), |r| local_time(r, offset));
            let current = n.retired_at.is_none();
            view! {
                <tr class="card-number-row" class:current=current data-kind=n.kind.clone()>
                    <td data-label=s.card_num_number>
                        <span class="student-number">{n.number.clone()}</span>
                    </td>
                    <td data-label=s.card_num_kind>{number_kind_label(&n.kind)}</td>
                    <td data-label=s.card_num_assigned>{local_time(&n.assigned_at, offset)}</td>
                    <td data-label=s.card_num_retired>{retired}</td>
                    <td data-label=s.card_num_reason>{n.reason.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="card-numbers">
            <h2 class="card-title">{s.card_numbers}</h2>
            <div class="table-wrap">
                <table class="reg-table">
                    <thead>
                        <tr>
                            <th>{s.card_num_number}</th>
                            <th>{s.card_num_kind}</th>
                            <th>{s.card_num_assigned}</th>
                            <th>{s.card_num_retired}</th>
                            <th>{s.card_num_reason}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

fn problems_view(problems: Vec<ProblemInfo>, offset: i32) -> impl IntoView {
    let s = t();
    let body = if problems.is_empty() {
        view! { <p class="empty-note" id="card-problems-none">{s.card_problems_none}</p> }
            .into_any()
    } else {
        let rows = problems
            .into_iter()
            .map(|p| {
                let none = || crate::i18n::t().common_none.to_owned();
                view! {
                    <tr data-problem-id=p.id.to_string() data-state=p.state.clone()>
                        <td data-label=s.card_prob_kind>{p.kind_label.clone()}</td>
                        <td data-label=s.card_prob_state>{problem_state_label(&p.state)}</td>
                        <td data-label=s.card_prob_other>
                            <span class="student-number">
                                {p.other_student_number.clone().unwrap_or_else(none)}
                            </span>
                        </td>
                        <td data-label=s.card_prob_other_school>
                            {p.other_school_name.clone().unwrap_or_else(none)}
                        </td>
                        <td data-label=s.card_prob_found>{local_time(&p.created_at, offset)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="reg-table">
                    <thead>
                        <tr>
                            <th>{s.card_prob_kind}</th>
                            <th>{s.card_prob_state}</th>
                            <th>{s.card_prob_other}</th>
                            <th>{s.card_prob_other_school}</th>
                            <th>{s.card_prob_found}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="card" id="card-problems">
            <h2 class="card-title">{s.card_problems}</h2>
            {body}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(number_kind_label("G"), Kind::G.label());
        assert_eq!(number_kind_label("J"), Kind::J.label());
        assert_eq!(number_kind_label("L"), Kind::L.label());
        assert_eq!(problem_state_label("arbitration"), "待共同上级仲裁");
        assert_eq!(problem_state_label("resolved"), "已解决");
        assert_eq!(problem_state_label("weird"), "weird");
    }
}
