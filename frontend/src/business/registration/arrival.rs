//! 来华归国学生注册: before a new record is made, the whole country is searched for the
//! student's existing record (seed 001 第一章 3); the registrar may choose to use it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use xueji_shared::business::registration::api_registration::{ArrivalLookup, ArrivalMatch};
use xueji_shared::codes::ID_TYPE_OTHER;

use crate::api::Api;
use crate::business::registration::strings::t;
use crate::i18n::fill;

/// The lookup criteria from the form as typed: the ID when there is one, otherwise name,
/// gender and birth date.
pub fn criteria(record: &Value) -> ArrivalLookup {
    let text = |k: &str| {
        record
            .get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let id_type = text("id_type");
    let id_number = text("id_number");
    if id_number.is_some() && id_type.as_deref() != Some(ID_TYPE_OTHER) {
        ArrivalLookup {
            id_type,
            id_number,
            ..Default::default()
        }
    } else {
        ArrivalLookup {
            name: text("name"),
            gender: text("gender"),
            birth_date: text("birth_date"),
            ..Default::default()
        }
    }
}

#[component]
pub fn ArrivalLookupPanel(
    record: RwSignal<Value>,
    chosen: RwSignal<Option<ArrivalMatch>>,
) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let results = RwSignal::new(None::<Vec<ArrivalMatch>>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let search = move |_| {
        let q = record.with_untracked(criteria);
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api.arrival_lookup(&q).await {
                Ok(list) => {
                    results.try_set(Some(list));
                }
                Err(e) => {
                    results.try_set(None);
                    error.try_set(Some(e.message()));
                }
            }
            busy.try_set(false);
        });
    };
    let row = move |m: ArrivalMatch| {
        let by = if m.matched_by == "id" {
            s.arr_by_id
        } else {
            s.arr_by_person
        };
        let pick = m.clone();
        view! {
            <li class="arrival-match">
                <div class="arrival-match-main">
                    <strong>{m.name.clone()}</strong>
                    <span class="mono">{m.student_number.clone()}</span>
                </div>
                <div class="arrival-match-meta">
                    {m.school_name.clone()} " · " {m.birth_date.clone()} " · " {by}
                </div>
                <button
                    type="button"
                    class="button button-small"
                    on:click=move |_| chosen.set(Some(pick.clone()))
                >
                    {s.arr_use}
                </button>
            </li>
        }
    };
    view! {
        <section class="arrival-lookup card" id="arrival-lookup">
            <h3 class="card-title">{s.arr_title}</h3>
            <p class="hint">{s.arr_lead}</p>
            {move || {
                chosen
                    .get()
                    .map(|m| {
                        view! {
                            <div class="alert alert-success" id="arrival-chosen" role="status">
                                {fill(
                                    s.arr_using,
                                    &[("number", &m.student_number), ("school", &m.school_name)],
                                )}
                                " "
                                <button
                                    type="button"
                                    class="button button-quiet button-small"
                                    on:click=move |_| chosen.set(None)
                                >
                                    {s.arr_cancel_use}
                                </button>
                            </div>
                        }
                    })
            }}
            <button
                type="button"
                id="arrival-search"
                class="button"
                disabled=move || busy.get()
                on:click=search
            >
                {move || if busy.get() { s.arr_searching } else { s.arr_search }}
            </button>
            {move || error.get().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            {move || {
                results
                    .get()
                    .map(|list| {
                        if list.is_empty() {
                            view! { <p class="hint" id="arrival-none">{s.arr_none}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="arrival-matches" id="arrival-matches">
                                    {list.into_iter().map(row).collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    })
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn looks_up_by_id_or_by_person() {
        let q = criteria(
            &json!({ "id_type": "1", "id_number": " 110101201501011234 ", "name": "张三" }),
        );
        assert_eq!(q.id_number.as_deref(), Some("110101201501011234"));
        assert_eq!(q.name, None);
        let q = criteria(
            &json!({ "id_type": "Z", "id_number": "", "name": "张三", "gender": "1", "birth_date": "2015-01-01" }),
        );
        assert_eq!(q.id_number, None);
        assert_eq!(q.name.as_deref(), Some("张三"));
        assert_eq!(q.birth_date.as_deref(), Some("2015-01-01"));
    }
}
