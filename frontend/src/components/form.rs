//! Form state shared by the settings pages: the shared crate's verdict while the user types,
//! the server's field errors next to the named field, anything else as a page-level alert.
//!
//! A field's own (client-side) problem is shown once the field was edited or the form was
//! submitted; a server error for a field is shown until that field is edited again.

use std::collections::BTreeSet;

use leptos::prelude::*;
use xueji_shared::api::FieldError;

use crate::api::ApiError;
use crate::i18n::t;

/// The message to show next to `field`, if any.
///
/// `local` are the shared crate's problems with the current input, `server` the field errors of
/// the last failed submission.
pub fn message_for(
    field: &str,
    local: &[FieldError],
    server: &[FieldError],
    touched: &BTreeSet<String>,
    submitted: bool,
) -> Option<String> {
    let shown_locally = submitted || touched.contains(field);
    let mine = |list: &[FieldError]| -> Option<String> {
        let messages: Vec<&str> = list
            .iter()
            .filter(|f| f.field == field)
            .map(|f| f.message.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join("；"))
    };
    shown_locally
        .then(|| mine(local))
        .flatten()
        .or_else(|| mine(server))
}

/// Splits a failed call into field errors this form shows next to its fields and a page-level
/// message. The message is the server's (or the status's) message; field errors for fields the
/// form does not have are appended to it, so nothing the server said is lost.
pub fn split_error(err: &ApiError, form_fields: &[&str]) -> (Vec<FieldError>, String) {
    match err {
        ApiError::Http {
            message, fields, ..
        } => {
            let (mine, others): (Vec<FieldError>, Vec<FieldError>) = fields
                .iter()
                .cloned()
                .partition(|f| form_fields.contains(&f.field.as_str()));
            let mut text = message.clone();
            for f in others {
                text.push_str(&format!("；{}", f.message));
            }
            (mine, text)
        }
        other => (Vec::new(), other.message()),
    }
}

/// A 409 without field errors (e.g. "用户名 … 已存在") is about one field of the form: show it
/// there too.
pub fn conflict_on(err: ApiError, field: &str) -> ApiError {
    match err {
        ApiError::Http {
            status: 409,
            code,
            message,
            fields,
        } if fields.is_empty() => ApiError::Http {
            status: 409,
            code,
            fields: vec![FieldError::new(field, message.clone())],
            message,
        },
        other => other,
    }
}

/// The reactive state of one form.
#[derive(Debug, Clone, Copy)]
pub struct FormState {
    touched: RwSignal<BTreeSet<String>>,
    submitted: RwSignal<bool>,
    server: RwSignal<Vec<FieldError>>,
    /// Page-level error (`[role=alert]`).
    pub alert: RwSignal<Option<String>>,
    /// A request is in flight.
    pub pending: RwSignal<bool>,
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}

impl FormState {
    pub fn new() -> Self {
        FormState {
            touched: RwSignal::new(BTreeSet::new()),
            submitted: RwSignal::new(false),
            server: RwSignal::new(Vec::new()),
            alert: RwSignal::new(None),
            pending: RwSignal::new(false),
        }
    }

    /// The user edited `field`: show its own problems, forget the server's verdict on it.
    pub fn touch(&self, field: &str) {
        if !self.touched.with_untracked(|t| t.contains(field)) {
            self.touched.update(|t| {
                t.insert(field.to_owned());
            });
        }
        if self
            .server
            .with_untracked(|s| s.iter().any(|f| f.field == field))
        {
            self.server.update(|s| s.retain(|f| f.field != field));
        }
    }

    /// Back to a pristine form (after success or cancel).
    pub fn reset(&self) {
        self.touched.set(BTreeSet::new());
        self.submitted.set(false);
        self.server.set(Vec::new());
        self.alert.set(None);
        self.pending.set(false);
    }

    /// Starts a submission: returns `false` (and shows every problem) when the input is invalid
    /// or a request is already in flight.
    pub fn begin(&self, local: &[FieldError]) -> bool {
        if self.pending.get_untracked() {
            return false;
        }
        self.submitted.set(true);
        self.server.set(Vec::new());
        self.alert.set(None);
        if !local.is_empty() {
            return false;
        }
        self.pending.set(true);
        true
    }

    /// The request succeeded.
    pub fn succeed(&self) {
        self.reset();
    }

    /// The request failed: field errors next to the fields, the rest as an alert.
    pub fn fail(&self, err: &ApiError, form_fields: &[&str]) {
        let (fields, message) = split_error(err, form_fields);
        self.pending.try_set(false);
        self.server.try_set(fields);
        self.alert.try_set(Some(message));
    }

    /// The message next to `field` as a signal, given the memo of the local problems.
    pub fn error(
        &self,
        field: &'static str,
        local: Memo<Vec<FieldError>>,
    ) -> Signal<Option<String>> {
        let form = *self;
        Signal::derive(move || local.with(|l| form.message(field, l)))
    }

    /// The message next to `field` given the current local problems (tracked).
    pub fn message(&self, field: &str, local: &[FieldError]) -> Option<String> {
        let submitted = self.submitted.get();
        self.touched.with(|touched| {
            self.server
                .with(|server| message_for(field, local, server, touched, submitted))
        })
    }
}

/// The error next to a field: `.field-error[data-field=NAME]`.
#[component]
pub fn FieldErrorText(
    field: &'static str,
    #[prop(into)] message: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! { <p class="field-error" data-field=field>{m}</p> }
        })
    }
}

/// A page-level error: `[role=alert]`.
#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })
    }
}

/// A success notice: `[role=status]`.
#[component]
pub fn FormNotice(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })
    }
}

/// What a field shows and where its edits go: a `RwSignal<String>`, or a getter and a setter
/// into a larger piece of state.
#[derive(Clone, Copy)]
pub struct Binding {
    get: Signal<String>,
    set: Callback<String>,
}

impl Binding {
    pub fn new(
        get: impl Fn() -> String + Send + Sync + 'static,
        set: impl Fn(String) + Send + Sync + 'static,
    ) -> Self {
        Binding {
            get: Signal::derive(get),
            set: Callback::new(set),
        }
    }
}

impl From<RwSignal<String>> for Binding {
    fn from(signal: RwSignal<String>) -> Self {
        Binding {
            get: signal.into(),
            set: Callback::new(move |v| signal.set(v)),
        }
    }
}

/// `form-field`, plus an extra class when given.
fn field_class(extra: Option<&'static str>) -> String {
    match extra {
        Some(c) => format!("form-field {c}"),
        None => "form-field".to_owned(),
    }
}

/// The `.form-label` of a field, marked （选填） when the field is optional.
fn field_label(label: &'static str, optional: bool) -> impl IntoView {
    let mark = optional.then(|| view! { " " <span class="optional">{t().common_optional}</span> });
    view! { <span class="form-label">{label} {mark}</span> }
}

/// A labelled `<input class="input">` with its error: `<label class="form-field">`, the input
/// `name=NAME`, and `.field-error[data-field=NAME]`. Editing it touches `NAME` in `form`.
/// Children (hints) go between the input and the error.
#[component]
pub fn TextField(
    /// The JSON field name: the input's `name=`, the error's `data-field`, the touched field.
    name: &'static str,
    label: &'static str,
    #[prop(into)] value: Binding,
    form: FormState,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional, into)] min: Option<String>,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// Marks the label （选填）.
    #[prop(optional)]
    optional: bool,
    /// No auto-capitalisation or spell checking (user names, codes).
    #[prop(optional)]
    verbatim: bool,
    /// An extra class on the `<label>`.
    #[prop(optional)]
    class: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <label class=field_class(class)>
            {field_label(label, optional)}
            <input
                class="input"
                type=input_type
                name=name
                inputmode=inputmode
                autocomplete=autocomplete
                autocapitalize=verbatim.then_some("none")
                spellcheck=verbatim.then_some("false")
                placeholder=placeholder
                min=min
                disabled=disabled
                prop:value=move || value.get.get()
                on:input=move |ev| {
                    value.set.run(event_target_value(&ev));
                    form.touch(name);
                }
            />
            {children.map(|c| c())}
            <FieldErrorText field=name message=error/>
        </label>
    }
}

/// A labelled `<select class="input" name=NAME>` with its error; the children are its options.
/// A change passes the chosen value to `on_change`, then touches `NAME` in `form`.
#[component]
pub fn SelectField(
    /// The JSON field name: the select's `name=`, the error's `data-field`, the touched field.
    name: &'static str,
    label: &'static str,
    form: FormState,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into)] on_change: Callback<String>,
    /// The selected value, when the options alone do not keep it (`prop:value`).
    #[prop(optional, into)]
    value: Option<Signal<String>>,
    children: Children,
) -> impl IntoView {
    let changed = move |ev: leptos::ev::Event| {
        on_change.run(event_target_value(&ev));
        form.touch(name);
    };
    let select = match value {
        Some(value) => leptos::either::Either::Left(view! {
            <select class="input" name=name prop:value=move || value.get() on:change=changed>
                {children()}
            </select>
        }),
        None => leptos::either::Either::Right(view! {
            <select class="input" name=name on:change=changed>
                {children()}
            </select>
        }),
    };
    view! {
        <label class="form-field">
            {field_label(label, false)}
            {select}
            <FieldErrorText field=name message=error/>
        </label>
    }
}

/// A labelled checkbox: `<label class="check-field"><input type="checkbox">…`.
#[component]
pub fn CheckField(
    #[prop(into)] name: String,
    label: &'static str,
    #[prop(into)] checked: Signal<bool>,
    #[prop(into)] on_change: Callback<bool>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <label class="check-field">
            <input
                type="checkbox"
                name=name
                value=value
                disabled=disabled
                prop:checked=checked
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            <span>{label}</span>
        </label>
    }
}

/// The submit button of a form: disabled, and saying 正在保存…, while a request is in flight.
#[component]
pub fn SubmitButton(
    form: FormState,
    #[prop(optional)] id: Option<&'static str>,
    /// Classes after `button button-primary`.
    #[prop(optional)]
    class: Option<&'static str>,
    /// The label when idle (default 保存).
    #[prop(optional)]
    label: Option<&'static str>,
) -> impl IntoView {
    let s = t();
    let label = label.unwrap_or(s.common_save);
    let class = match class {
        Some(c) => format!("button button-primary {c}"),
        None => "button button-primary".to_owned(),
    };
    view! {
        <button id=id class=class type="submit" disabled=move || form.pending.get()>
            {move || if form.pending.get() { s.common_saving } else { label }}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fe(field: &str, message: &str) -> FieldError {
        FieldError::new(field, message)
    }

    #[test]
    fn local_problems_wait_until_touched_or_submitted() {
        let local = [fe("username", "太短"), fe("password", "太弱")];
        let none = BTreeSet::new();
        assert_eq!(message_for("username", &local, &[], &none, false), None);
        let touched: BTreeSet<String> = ["username".to_owned()].into();
        assert_eq!(
            message_for("username", &local, &[], &touched, false).as_deref(),
            Some("太短")
        );
        assert_eq!(message_for("password", &local, &[], &touched, false), None);
        assert_eq!(
            message_for("password", &local, &[], &none, true).as_deref(),
            Some("太弱")
        );
    }

    #[test]
    fn several_problems_of_one_field_are_joined() {
        let local = [fe("password", "至少 8 位"), fe("password", "三类字符")];
        assert_eq!(
            message_for("password", &local, &[], &BTreeSet::new(), true).as_deref(),
            Some("至少 8 位；三类字符")
        );
    }

    #[test]
    fn server_errors_show_when_there_is_no_local_problem() {
        let server = [fe("username", "用户名已存在")];
        assert_eq!(
            message_for("username", &[], &server, &BTreeSet::new(), true).as_deref(),
            Some("用户名已存在")
        );
        let local = [fe("username", "太短")];
        assert_eq!(
            message_for("username", &local, &server, &BTreeSet::new(), true).as_deref(),
            Some("太短")
        );
    }

    #[test]
    fn a_conflict_lands_on_the_named_field() {
        let err = ApiError::Http {
            status: 409,
            code: "conflict".into(),
            message: "用户名 a 已存在".into(),
            fields: Vec::new(),
        };
        let (fields, message) = split_error(&conflict_on(err, "username"), &["username"]);
        assert_eq!(fields, [fe("username", "用户名 a 已存在")]);
        assert_eq!(message, "用户名 a 已存在");
        assert_eq!(
            conflict_on(ApiError::Network, "username"),
            ApiError::Network
        );
    }

    #[test]
    fn split_error_keeps_known_fields_and_folds_the_rest_into_the_message() {
        let err = ApiError::Http {
            status: 400,
            code: "validation".into(),
            message: "请求内容有误".into(),
            fields: vec![fe("username", "用户名已存在"), fe("org_id", "机构不存在")],
        };
        let (fields, message) = split_error(&err, &["username", "password"]);
        assert_eq!(fields, [fe("username", "用户名已存在")]);
        assert_eq!(message, "请求内容有误；机构不存在");
        let (fields, message) = split_error(&ApiError::Network, &["username"]);
        assert!(fields.is_empty());
        assert_eq!(message, ApiError::Network.message());
    }
}
