//! One request's page, the same parts for every business: what is asked (the business's own
//! view, the component's children), the parties (the applicant's side and, where there is one,
//! the other side or the arbiter), the action bar with exactly the actions the server allows the
//! caller now (a reason field where one is needed: return, reject, 强制干预), the chain with each
//! step's organisation, time taken and deadline ([`StepTimeline`]), and the history with reasons
//! and evidence.
//!
//! The business loads its request through its own API, turns it into these parts and renders
//! `<RequestPage>`; it keeps its own wording (titles, labels) and runs the actions itself
//! (`on_action` gets the pressed action's key). Sections carry ids from `prefix`:
//! `#{prefix}-parties`, `#{prefix}-actions`, `#{prefix}-history` (and `#request-steps`).
//!
//! Phone and tablet: one column — the request at a glance (`head`), the action bar, the steps,
//! the parties and what is asked, the history. Desktop: the head, the parties and what is asked
//! on the left; actions, steps and history beside them on the right.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use xueji_shared::api_engine::StepRecord;

use super::steps::StepTimeline;
use super::strings as s;
use crate::api::Api;
use crate::pages::settings::{browser_offset_minutes, local_time};

/// One party of a request: the applicant's side, the other side, the arbiter.
pub struct Party {
    /// `data-party`: `applicant`, `counterpart`, `arbiter`, or a business's side key (`a`, `b`).
    pub key: String,
    /// What the party is (申请方, 记录一（本次注册）, 仲裁单位).
    pub role: String,
    /// The organisation (or the party's main name).
    pub name: String,
    /// The business's facts about this party (the record on a side and its state), if any.
    pub detail: Option<AnyView>,
}

impl Party {
    pub fn new(key: impl Into<String>, role: impl Into<String>, name: impl Into<String>) -> Self {
        Party {
            key: key.into(),
            role: role.into(),
            name: name.into(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: AnyView) -> Self {
        self.detail = Some(detail);
        self
    }
}

/// One evidence file referenced by a history entry, downloaded through the API.
pub struct Evidence {
    pub sha256: String,
    /// The API path that serves it (`/problems/{id}/evidence/{sha}`).
    pub path: String,
}

/// One action taken on the request.
pub struct HistoryEntry {
    /// The organisation that acted.
    pub actor: String,
    /// What was done (核办通过（学校核办）, 强制干预, 补充佐证).
    pub action: String,
    pub reason: Option<String>,
    /// What else the action carried (a changed identity), as one line.
    pub detail: Option<String>,
    pub evidence: Vec<Evidence>,
    /// RFC 3339.
    pub at: String,
}

/// How an action's button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Primary,
    Secondary,
    Danger,
}

/// One action the caller may take now.
#[derive(Debug, Clone)]
pub struct RequestAction {
    /// `data-action` and what `on_action` receives (`approve`, `a:evidence`, `force`).
    pub key: String,
    pub label: String,
    pub tone: Tone,
    /// The action is a forced intervention (强制干预): the bar shows its warning.
    pub forced: bool,
}

/// The action bar: the actions, the reason field (when one of them needs a reason) and the
/// business's follow-up (a form opened by an action, a result message).
pub struct Actions {
    /// The section's title (办理).
    pub title: &'static str,
    pub items: Vec<RequestAction>,
    /// Shown instead of the buttons when there is nothing to do; `None`: no section then.
    pub nothing: Option<&'static str>,
    /// The reason field's label and id, when an action needs a reason.
    pub reason: Option<ReasonField>,
    /// The buttons are disabled meanwhile.
    pub pending: Signal<bool>,
    pub on_action: Callback<String>,
    /// Below the buttons: what the business shows after an action was chosen or done.
    pub follow_up: Option<AnyView>,
}

/// The reason that returning, rejecting or forcing needs.
pub struct ReasonField {
    /// The textarea's id (`return-reason`).
    pub id: &'static str,
    pub label: &'static str,
    pub text: RwSignal<String>,
    /// The server's or the shared rule's message, shown under the field (`data-field=reason`).
    pub error: RwSignal<Option<String>>,
}

#[component]
pub fn RequestPage(
    /// Prefix of the sections' ids (`registration` → `#registration-actions`).
    prefix: &'static str,
    /// The request at a glance (its state, next step, number): first on every screen.
    head: AnyView,
    /// The parties' section title ([`s::PARTIES_TITLE`] by default).
    #[prop(optional)]
    parties_title: Option<&'static str>,
    parties: Vec<Party>,
    actions: Actions,
    steps: Vec<StepRecord>,
    history_title: &'static str,
    history: Vec<HistoryEntry>,
    /// What is asked in full: the business's own view of the request (a record, candidates).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="request-page" data-request-page=prefix>
            <div class="request-head">{head}</div>
            <div class="request-side">
                {actions_view(prefix, actions)}
                <div class="request-steps-wrap">
                    <StepTimeline steps=steps/>
                </div>
                {history_view(prefix, history_title, history)}
            </div>
            <div class="request-main">
                {parties_view(prefix, parties_title.unwrap_or(s::PARTIES_TITLE), parties)}
                {children.map(|c| view! { <div class="request-asked">{c()}</div> })}
            </div>
        </div>
    }
}

fn parties_view(prefix: &'static str, title: &'static str, parties: Vec<Party>) -> impl IntoView {
    if parties.is_empty() {
        return ().into_any();
    }
    let cards = parties
        .into_iter()
        .map(|p| {
            view! {
                <section class="card request-party" data-party=p.key>
                    <p class="request-party-role">{p.role}</p>
                    <p class="request-party-name">{p.name}</p>
                    {p.detail}
                </section>
            }
        })
        .collect_view();
    view! {
        <section class="request-parties" id=format!("{prefix}-parties") aria-label=title>
            <h2 class="section-title">{title}</h2>
            <div class="request-party-list">{cards}</div>
        </section>
    }
    .into_any()
}

fn actions_view(prefix: &'static str, actions: Actions) -> impl IntoView {
    let Actions {
        title,
        items,
        nothing,
        reason,
        pending,
        on_action,
        follow_up,
    } = actions;
    if items.is_empty() && nothing.is_none() && follow_up.is_none() {
        return ().into_any();
    }
    let forced = items.iter().any(|a| a.forced);
    let buttons = items
        .into_iter()
        .map(|a| {
            let class = match a.tone {
                Tone::Primary => "button button-primary",
                Tone::Secondary => "button button-secondary",
                Tone::Danger => "button button-danger",
            };
            let pressed = a.key.clone();
            view! {
                <button
                    type="button"
                    class=class
                    data-action=a.key
                    disabled=move || pending.get()
                    on:click=move |_| on_action.run(pressed.clone())
                >
                    {a.label}
                </button>
            }
        })
        .collect_view();
    let body = if buttons.is_empty() {
        nothing.map(|n| view! { <p class="hint">{n}</p> }.into_any())
    } else {
        let reason = reason.map(|r| {
            let error = r.error;
            view! {
                <label class="form-field request-reason">
                    <span class="form-label">{r.label}</span>
                    <textarea
                        class="input"
                        id=r.id
                        name="reason"
                        rows="3"
                        prop:value=move || r.text.get()
                        on:input=move |ev| {
                            r.text.set(event_target_value(&ev));
                            error.set(None);
                        }
                    ></textarea>
                    {move || {
                        error
                            .get()
                            .map(|m| view! { <p class="field-error" data-field="reason">{m}</p> })
                    }}
                </label>
            }
        });
        Some(
            view! {
                {forced.then(|| view! {
                    <p class="alert alert-warn" role="note" id="force-hint">{s::FORCE_HINT}</p>
                })}
                {reason}
                <div class="button-row request-buttons">{buttons}</div>
            }
            .into_any(),
        )
    };
    view! {
        <section class="card request-actions" id=format!("{prefix}-actions")>
            <h2 class="card-title">{title}</h2>
            {body}
            {follow_up}
        </section>
    }
    .into_any()
}

fn history_view(
    prefix: &'static str,
    title: &'static str,
    history: Vec<HistoryEntry>,
) -> impl IntoView {
    if history.is_empty() {
        return ().into_any();
    }
    let api = expect_context::<Api>();
    let offset = browser_offset_minutes();
    let rows = history
        .into_iter()
        .map(|h| {
            let files = h
                .evidence
                .into_iter()
                .enumerate()
                .map(|(i, e)| {
                    let path = e.path;
                    view! {
                        <button
                            type="button"
                            class="button button-quiet button-small"
                            data-evidence=e.sha256
                            on:click=move |_| {
                                let path = path.clone();
                                spawn_local(async move {
                                    if let Ok(url) = api.download_url(&path).await {
                                        open_url(&url);
                                    }
                                });
                            }
                        >
                            {crate::i18n::fill(s::EVIDENCE_FILE, &[("n", &(i + 1).to_string())])}
                        </button>
                    }
                })
                .collect::<Vec<_>>();
            let files = (!files.is_empty())
                .then(|| view! { <div class="button-row request-evidence">{files}</div> });
            view! {
                <li class="request-history-item">
                    <div class="request-history-head">
                        <strong class="request-history-action">{h.action}</strong>
                        <span class="request-history-actor">{h.actor}</span>
                        <time class="hint" datetime=h.at.clone()>{local_time(&h.at, offset)}</time>
                    </div>
                    {h.reason.map(|r| view! { <p class="request-history-reason">{r}</p> })}
                    {h.detail.map(|d| view! { <p class="mono request-history-detail">{d}</p> })}
                    {files}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card request-history" id=format!("{prefix}-history")>
            <h2 class="card-title">{title}</h2>
            <ol class="request-history-list">{rows}</ol>
        </section>
    }
    .into_any()
}

/// Opens a (blob) URL in a new tab, as a click on a link would.
fn open_url(url: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(a) = doc.create_element("a") {
            if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
                a.set_href(url);
                a.set_target("_blank");
                a.set_rel("noopener");
                a.click();
            }
        }
    }
}
