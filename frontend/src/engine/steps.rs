//! The steps of one request: each step's organisation, when it arrived, its deadline, how
//! many working days it took, and whether it was forced (强制干预). Every business's request
//! page shows it.

use leptos::prelude::*;
use xueji_shared::api_engine::StepRecord;

use super::strings as s;
use crate::pages::settings::{browser_offset_minutes, local_time};

#[component]
pub fn StepTimeline(steps: Vec<StepRecord>) -> impl IntoView {
    if steps.is_empty() {
        return ().into_any();
    }
    let offset = browser_offset_minutes();
    let rows = steps
        .into_iter()
        .map(|st| {
            let current = st.done_at.is_none();
            let state = match (&st.done_label, current) {
                (_, true) => s::STEP_CURRENT.to_owned(),
                (Some(l), false) => l.clone(),
                (None, false) => String::new(),
            };
            view! {
                <li class="step-row card" class:step-current=current class:step-overdue=st.overdue
                    data-forced=st.forced.to_string()>
                    <div class="step-head">
                        <span class="step-label">{st.label.clone()}</span>
                        <span class="step-org">{st.org_name.clone()}</span>
                        {st.forced.then(|| view! { <span class="badge badge-warn">{s::STEP_FORCED}</span> })}
                        {(st.overdue && current).then(|| view! { <span class="badge badge-warn overdue-badge">{s::OVERDUE_BADGE}</span> })}
                    </div>
                    <p class="step-meta">
                        <span>{s::STARTED} " " {local_time(&st.started_at, offset)}</span>
                        " · "
                        <span class="step-due">{s::DUE} " " {local_time(&st.due_at, offset)}</span>
                        " · "
                        <span class="step-took">{s::STEP_TOOK} " " {st.working_days} " " {s::STEP_DAYS}</span>
                        " · "
                        <span class="step-state">{state}</span>
                    </p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="steps" aria-labelledby="steps-heading" id="request-steps">
            <h2 id="steps-heading" class="section-title">{s::STEPS_TITLE}</h2>
            <ol class="step-list">{rows}</ol>
        </section>
    }
    .into_any()
}
