//! 账号管理 (`/settings/accounts`, administrators): the accounts of the caller's organisation and
//! of the organisations directly below it; create, edit, disable/enable, unlock, reset the
//! password and record a password loan (密码出借登记). Phones see cards, wider screens a table
//! (one markup: the table's rows are laid out as cards below 768px).

use chrono::NaiveDate;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use xueji_shared::account::{check_display_name, check_loan, PasswordPolicy};
use xueji_shared::api::{
    AccountInfo, CreateAccount, FieldError, OrgNode, PasswordLoanRequest, ResetPassword,
    UpdateAccount,
};
use xueji_shared::org::Role;

use crate::api::Api;
use crate::components::form::{
    conflict_on, FormAlert, FormNotice, FormState, SelectField, SubmitButton, TextField,
};
use crate::i18n::{fill, t};
use crate::pages::settings::{current_role, now_millis, today, BackToSettings};

// ─────────────────────────────── pure helpers ───────────────────────────────

/// A badge on an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Disabled,
    Locked,
    MustChange,
    /// Lent until this day.
    Loaned(NaiveDate),
}

/// The badges of an account at `now_millis` (an empty list reads 正常).
pub fn statuses(account: &AccountInfo, now_millis: i64) -> Vec<Status> {
    let mut out = Vec::new();
    if account.disabled {
        out.push(Status::Disabled);
    }
    if is_locked(account, now_millis) {
        out.push(Status::Locked);
    }
    if account.must_change_password {
        out.push(Status::MustChange);
    }
    if let Some(loan) = &account.loan {
        out.push(Status::Loaned(loan.until));
    }
    out
}

/// Locked now (a lock in the past has expired by itself).
pub fn is_locked(account: &AccountInfo, now_millis: i64) -> bool {
    super::is_after(account.locked_until.as_deref(), now_millis)
}

/// Replaces an account in the list by id, or puts a new one first.
pub fn upsert_account(list: &mut Vec<AccountInfo>, account: AccountInfo) {
    match list.iter_mut().find(|a| a.id == account.id) {
        Some(slot) => *slot = account,
        None => list.insert(0, account),
    }
}

/// The organisations an administrator manages accounts for: its own, then those directly below.
pub fn org_choices(own: Option<OrgNode>, children: Vec<OrgNode>) -> Vec<(i64, String)> {
    own.into_iter()
        .chain(children)
        .map(|o| (o.id, o.name))
        .collect()
}

/// The loan form's problems: the shared rule, or a missing date.
pub fn loan_problems(
    lent_to: &str,
    reason: &str,
    until: &str,
    today: NaiveDate,
) -> Vec<FieldError> {
    match until.parse::<NaiveDate>() {
        Ok(until) => check_loan(lent_to, reason, until, today),
        Err(_) => {
            // Still report the other fields; `today` passes the date rule.
            let mut f: Vec<FieldError> = check_loan(lent_to, reason, today, today);
            f.push(FieldError::new("until", t().account_loan_until_required));
            f
        }
    }
}

// ─────────────────────────────────── page ───────────────────────────────────

/// The dialog open over the list.
#[derive(Debug, Clone, PartialEq)]
enum Sheet {
    Edit(AccountInfo),
    Reset(AccountInfo),
    Loan(AccountInfo),
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let s = t();
    move || match current_role() {
        Some(Role::Admin) => view! { <Accounts/> }.into_any(),
        _ => view! {
            <div class="page accounts-page" data-page="accounts">
                <BackToSettings/>
                <h1 class="page-title">{s.accounts_title}</h1>
                <div class="alert alert-error" role="alert">{s.accounts_admin_only}</div>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn Accounts() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let accounts = RwSignal::new(Vec::<AccountInfo>::new());
    let loading = RwSignal::new(true);
    let orgs = RwSignal::new(Vec::<(i64, String)>::new());
    let policy = RwSignal::new(PasswordPolicy::default());
    let filter = RwSignal::new(None::<i64>);
    let alert = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let creating = RwSignal::new(false);
    let sheet = RwSignal::new(None::<Sheet>);
    let busy = RwSignal::new(None::<i64>);

    let load_accounts = move || {
        let org = filter.get_untracked();
        loading.set(true);
        spawn_local(async move {
            let result = api.accounts(org).await;
            loading.try_set(false);
            match result {
                Ok(list) => {
                    accounts.try_set(list);
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
        });
    };
    load_accounts();
    spawn_local(async move {
        let own = api.org_roots().await.map(|r| r.into_iter().next());
        let own = match own {
            Ok(own) => own,
            Err(e) => {
                alert.try_set(Some(e.message()));
                return;
            }
        };
        let children = match &own {
            Some(o) if o.child_count > 0 => api.org_children(o.id).await.unwrap_or_default(),
            _ => Vec::new(),
        };
        orgs.try_set(org_choices(own, children));
    });
    spawn_local(async move {
        // Without the province's policy the default one is used; the server re-checks anyway.
        if let Ok(p) = api.password_policy().await {
            policy.try_set(p);
        }
    });

    let updated = move |account: AccountInfo, template: &'static str| {
        notice.set(Some(fill(template, &[("username", &account.username)])));
        accounts.update(|list| upsert_account(list, account));
    };

    let run_action = move |account: AccountInfo, action: &'static str| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some(account.id));
        alert.set(None);
        notice.set(None);
        spawn_local(async move {
            let (result, template) = match action {
                "unlock" => (
                    api.unlock_account(account.id).await,
                    s.account_unlocked_done,
                ),
                _ => {
                    let disable = !account.disabled;
                    let req = UpdateAccount {
                        disabled: Some(disable),
                        ..UpdateAccount::default()
                    };
                    let template = if disable {
                        s.account_disabled_done
                    } else {
                        s.account_enabled_done
                    };
                    (api.update_account(account.id, &req).await, template)
                }
            };
            busy.try_set(None);
            match result {
                Ok(a) => updated(a, template),
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
        });
    };

    let rows = move || {
        let now = now_millis();
        accounts
            .get()
            .into_iter()
            .map(|a| {
                let status = statuses(&a, now);
                let badges = if status.is_empty() {
                    view! { <span class="badge badge-ok">{s.account_status_active}</span> }.into_any()
                } else {
                    status
                        .into_iter()
                        .map(|st| {
                            let (class, text) = match st {
                                Status::Disabled => ("badge badge-danger", s.account_status_disabled.to_owned()),
                                Status::Locked => ("badge badge-danger", s.account_status_locked.to_owned()),
                                Status::MustChange => ("badge badge-warn", s.account_status_must_change.to_owned()),
                                Status::Loaned(until) => (
                                    "badge badge-warn",
                                    fill(s.account_status_loaned, &[("until", &until.to_string())]),
                                ),
                            };
                            view! { <span class=class>{text}</span> }
                        })
                        .collect_view()
                        .into_any()
                };
                let locked = is_locked(&a, now);
                let id = a.id;
                // The server refuses disabling one's own account; don't offer it.
                let is_self = expect_context::<crate::auth::Session>()
                    .account()
                    .is_some_and(|me| me.id == id);
                let row_busy = move || busy.get() == Some(id);
                let (a1, a2, a3, a4, a5) = (a.clone(), a.clone(), a.clone(), a.clone(), a.clone());
                view! {
                    <tr data-account=a.username.clone() data-account-id=a.id.to_string() class:muted=a.disabled>
                        <td class="cell-title" data-label=s.field_username>
                            <span class="account-username">{a.username.clone()}</span>
                        </td>
                        <td data-label=s.field_display_name>{a.display_name.clone()}</td>
                        <td class="cell-nowrap" data-label=s.field_role>{a.role.label()}</td>
                        <td data-label=s.field_org_name>{a.org.name.clone()}</td>
                        <td data-label=s.account_field_status>
                            <span class="badges">{badges}</span>
                        </td>
                        <td class="cell-actions" data-label=s.common_actions>
                            <div class="action-row">
                                <button class="button button-small" type="button" data-action="edit"
                                    on:click=move |_| sheet.set(Some(Sheet::Edit(a1.clone())))>
                                    {s.account_action_edit}
                                </button>
                                {(!is_self).then(|| view! {
                                    <button class="button button-small" type="button" data-action="toggle-disabled"
                                        disabled=row_busy
                                        on:click=move |_| run_action(a2.clone(), "toggle")>
                                        {if a.disabled { s.account_action_enable } else { s.account_action_disable }}
                                    </button>
                                })}
                                {locked.then(|| view! {
                                    <button class="button button-small" type="button" data-action="unlock"
                                        disabled=row_busy
                                        on:click=move |_| run_action(a3.clone(), "unlock")>
                                        {s.account_action_unlock}
                                    </button>
                                })}
                                {(!is_self).then(|| view! {
                                    <button class="button button-small" type="button" data-action="reset-password"
                                        on:click=move |_| sheet.set(Some(Sheet::Reset(a4.clone())))>
                                        {s.account_action_reset}
                                    </button>
                                })}
                                <button class="button button-small" type="button" data-action="loan"
                                    on:click=move |_| sheet.set(Some(Sheet::Loan(a5.clone())))>
                                    {s.account_action_loan}
                                </button>
                            </div>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };

    let filter_options = move || {
        orgs.get()
            .into_iter()
            .map(|(id, name)| {
                view! {
                    <option value=id.to_string() selected=move || filter.get() == Some(id)>
                        {name}
                    </option>
                }
            })
            .collect_view()
    };

    let sheet_view = move || {
        sheet.get().map(|open| {
            let close = Callback::new(move |_| sheet.set(None));
            let done = Callback::new(move |(account, template): (AccountInfo, &'static str)| {
                sheet.set(None);
                updated(account, template);
            });
            let body = match open {
                Sheet::Edit(a) => {
                    view! { <EditForm account=a on_done=done on_cancel=close/> }.into_any()
                }
                Sheet::Reset(a) => {
                    view! { <ResetForm account=a policy=policy on_done=done on_cancel=close/> }
                        .into_any()
                }
                Sheet::Loan(a) => {
                    view! { <LoanForm account=a on_done=done on_cancel=close/> }.into_any()
                }
            };
            focus_first_input(".sheet");
            view! {
                <div
                    class="sheet-backdrop"
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Escape" {
                            sheet.set(None);
                        }
                    }
                >
                    <div class="sheet card" role="dialog" aria-modal="true">{body}</div>
                </div>
            }
        })
    };

    view! {
        <div class="page accounts-page" data-page="accounts">
            <BackToSettings/>
            <h1 class="page-title">{s.accounts_title}</h1>
            <p class="page-lead">{s.accounts_lead}</p>
            <FormAlert message=alert/>
            <FormNotice message=notice/>
            <div class="toolbar">
                <label class="form-field toolbar-field">
                    <span class="form-label">{s.accounts_filter_org}</span>
                    <select
                        id="account-filter"
                        class="input"
                        name="org_id"
                        on:change=move |ev| {
                            filter.set(event_target_value(&ev).parse().ok());
                            load_accounts();
                        }
                    >
                        <option value="" selected=move || filter.get().is_none()>
                            {s.accounts_filter_all}
                        </option>
                        {filter_options}
                    </select>
                </label>
                <button
                    id="account-create"
                    class="button button-primary"
                    type="button"
                    aria-expanded=move || creating.get().to_string()
                    on:click=move |_| {
                        notice.set(None);
                        creating.update(|c| *c = !*c)
                    }
                >
                    {s.accounts_new}
                </button>
            </div>
            {move || {
                creating
                    .get()
                    .then(|| {
                        view! {
                            <CreateForm
                                orgs=orgs
                                policy=policy
                                default_org=filter
                                on_done=Callback::new(move |a: AccountInfo| {
                                    creating.set(false);
                                    updated(a, s.account_created);
                                })
                                on_cancel=Callback::new(move |_| creating.set(false))
                            />
                        }
                    })
            }}
            <div class="table-wrap card">
                <table id="account-list" class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">{s.field_username}</th>
                            <th scope="col">{s.field_display_name}</th>
                            <th scope="col">{s.field_role}</th>
                            <th scope="col">{s.field_org_name}</th>
                            <th scope="col">{s.account_field_status}</th>
                            <th scope="col">{s.common_actions}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                {move || {
                    if loading.get() {
                        Some(view! { <p class="empty-note">{s.common_loading}</p> })
                    } else if accounts.with(Vec::is_empty) {
                        Some(view! { <p class="empty-note">{s.accounts_empty}</p> })
                    } else {
                        None
                    }
                }}
            </div>
            {sheet_view}
        </div>
    }
}

/// Moves the focus into a dialog (or form) once it is on screen.
fn focus_first_input(container: &'static str) {
    request_animation_frame(move || {
        let selector = format!("{container} input:not([type=hidden]), {container} select");
        if let Ok(Some(el)) = document().query_selector(&selector) {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

const CREATE_FIELDS: [&str; 5] = ["username", "display_name", "role", "org_id", "password"];

/// `#account-form`: a new account.
#[component]
fn CreateForm(
    orgs: RwSignal<Vec<(i64, String)>>,
    policy: RwSignal<PasswordPolicy>,
    default_org: RwSignal<Option<i64>>,
    on_done: Callback<AccountInfo>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let form = FormState::new();
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Registrar);
    let org_id = RwSignal::new(default_org.get_untracked());
    let password = RwSignal::new(String::new());
    // The organisation chosen, or the first one offered (own organisation).
    let chosen_org = move || {
        org_id
            .get()
            .or_else(|| orgs.with(|o| o.first().map(|(id, _)| *id)))
    };

    let req = move || CreateAccount {
        username: username.get().trim().to_owned(),
        display_name: display_name.get().trim().to_owned(),
        role: role.get(),
        org_id: chosen_org().unwrap_or_default(),
        password: password.get(),
    };
    let problems = Memo::new(move |_| policy.with(|p| req().validate(p)));
    let err = move |field: &'static str| form.error(field, problems);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin(&problems.get_untracked()) {
            return;
        }
        let req = untrack(req);
        spawn_local(async move {
            match api.create_account(&req).await {
                Ok(a) => {
                    form.succeed();
                    on_done.run(a);
                }
                Err(e) => form.fail(&conflict_on(e, "username"), &CREATE_FIELDS),
            }
        });
    };

    let org_options = move || {
        orgs.get()
            .into_iter()
            .map(|(id, name)| {
                view! {
                    <option value=id.to_string() selected=move || chosen_org() == Some(id)>
                        {name}
                    </option>
                }
            })
            .collect_view()
    };
    let hint = move || {
        fill(
            s.account_password_hint,
            &[("min", &policy.get().min_length.to_string())],
        )
    };

    view! {
        <form id="account-form" class="card form-card form-grid" on:submit=on_submit novalidate>
            <h2 class="card-title form-wide">{s.accounts_new}</h2>
            <div class="form-wide">
                <FormAlert message=form.alert/>
            </div>
            <TextField
                name="username"
                label=s.field_username
                autocomplete="off"
                verbatim=true
                value=username
                form=form
                error=err("username")
            />
            <TextField
                name="display_name"
                label=s.field_display_name
                autocomplete="off"
                value=display_name
                form=form
                error=err("display_name")
            />
            <RoleField role=role form=form error=err("role")/>
            <SelectField
                name="org_id"
                label=s.field_org_name
                form=form
                error=err("org_id")
                on_change=move |v: String| org_id.set(v.parse().ok())
            >
                {org_options}
            </SelectField>
            <TextField
                name="password"
                label=s.account_field_password
                input_type="password"
                autocomplete="new-password"
                class="form-wide"
                value=password
                form=form
                error=err("password")
            >
                <span class="form-hint">{hint}</span>
            </TextField>
            <div class="button-row form-wide">
                <SubmitButton form=form id="account-form-submit"/>
                <button class="button button-secondary" type="button" on:click=move |_| on_cancel.run(())>
                    {s.common_cancel}
                </button>
            </div>
        </form>
    }
}

/// The `role` select of the account forms.
#[component]
fn RoleField(
    role: RwSignal<Role>,
    form: FormState,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let options = Role::ALL
        .into_iter()
        .map(|r| {
            view! {
                <option value=r.as_str() selected=move || role.get() == r>
                    {r.label()}
                </option>
            }
        })
        .collect_view();
    view! {
        <SelectField
            name="role"
            label=t().field_role
            form=form
            error=error
            on_change=move |v: String| {
                if let Some(r) = Role::parse(&v) {
                    role.set(r);
                }
            }
        >
            {options}
        </SelectField>
    }
}

/// Buttons at the bottom of a dialog form.
#[component]
fn SheetButtons(form: FormState, on_cancel: Callback<()>) -> impl IntoView {
    let s = t();
    view! {
        <div class="button-row">
            <SubmitButton form=form attr:data-submit=""/>
            <button class="button button-secondary" type="button" on:click=move |_| on_cancel.run(())>
                {s.common_cancel}
            </button>
        </div>
    }
}

/// `#account-edit-form`: display name and role.
#[component]
fn EditForm(
    account: AccountInfo,
    on_done: Callback<(AccountInfo, &'static str)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let form = FormState::new();
    let id = account.id;
    let display_name = RwSignal::new(account.display_name.clone());
    let role = RwSignal::new(account.role);
    let problems = Memo::new(move |_| match check_display_name(&display_name.get()) {
        Ok(()) => Vec::new(),
        Err(m) => vec![FieldError::new("display_name", m)],
    });
    let err = move |field: &'static str| form.error(field, problems);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin(&problems.get_untracked()) {
            return;
        }
        let req = UpdateAccount {
            display_name: Some(display_name.get_untracked().trim().to_owned()),
            role: Some(role.get_untracked()),
            disabled: None,
        };
        spawn_local(async move {
            match api.update_account(id, &req).await {
                Ok(a) => {
                    form.succeed();
                    on_done.run((a, s.account_updated));
                }
                Err(e) => form.fail(&e, &["display_name", "role"]),
            }
        });
    };
    view! {
        <form id="account-edit-form" class="sheet-form" on:submit=on_submit novalidate>
            <h2 class="card-title">{fill(s.account_edit_title, &[("username", &account.username)])}</h2>
            <FormAlert message=form.alert/>
            <TextField
                name="display_name"
                label=s.field_display_name
                value=display_name
                form=form
                error=err("display_name")
            />
            <RoleField role=role form=form error=err("role")/>
            <SheetButtons form=form on_cancel=on_cancel/>
        </form>
    }
}

/// `#reset-password-form`: a new password set by the administrator.
#[component]
fn ResetForm(
    account: AccountInfo,
    policy: RwSignal<PasswordPolicy>,
    on_done: Callback<(AccountInfo, &'static str)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let form = FormState::new();
    let id = account.id;
    let username = account.username.clone();
    let new_password = RwSignal::new(String::new());
    let problems = Memo::new(move |_| {
        policy.with(|p| p.check_password("new_password", &new_password.get(), &username))
    });
    let err = move |field: &'static str| form.error(field, problems);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin(&problems.get_untracked()) {
            return;
        }
        let req = ResetPassword {
            new_password: new_password.get_untracked(),
        };
        spawn_local(async move {
            match api.reset_password(id, &req).await {
                Ok(a) => {
                    form.succeed();
                    on_done.run((a, s.account_reset_done));
                }
                Err(e) => form.fail(&e, &["new_password"]),
            }
        });
    };
    let hint = move || {
        fill(
            s.account_password_hint,
            &[("min", &policy.get().min_length.to_string())],
        )
    };
    view! {
        <form id="reset-password-form" class="sheet-form" on:submit=on_submit novalidate>
            <h2 class="card-title">{fill(s.account_reset_title, &[("username", &account.username)])}</h2>
            <p class="hint">{s.account_reset_hint}</p>
            <FormAlert message=form.alert/>
            <TextField
                name="new_password"
                label=s.account_new_password
                input_type="password"
                autocomplete="new-password"
                value=new_password
                form=form
                error=err("new_password")
            >
                <span class="form-hint">{hint}</span>
            </TextField>
            <SheetButtons form=form on_cancel=on_cancel/>
        </form>
    }
}

/// `#loan-form`: 密码出借登记.
#[component]
fn LoanForm(
    account: AccountInfo,
    on_done: Callback<(AccountInfo, &'static str)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let form = FormState::new();
    let id = account.id;
    let lent_to = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let today = today();
    let problems =
        Memo::new(move |_| loan_problems(&lent_to.get(), &reason.get(), &until.get(), today));
    let err = move |field: &'static str| form.error(field, problems);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin(&problems.get_untracked()) {
            return;
        }
        let Ok(until) = until.get_untracked().parse::<NaiveDate>() else {
            return;
        };
        let req = PasswordLoanRequest {
            lent_to: lent_to.get_untracked().trim().to_owned(),
            reason: reason.get_untracked().trim().to_owned(),
            until,
        };
        spawn_local(async move {
            match api.lend_password(id, &req).await {
                Ok(a) => {
                    form.succeed();
                    on_done.run((a, s.account_loan_done));
                }
                Err(e) => form.fail(&e, &["lent_to", "reason", "until"]),
            }
        });
    };
    let current = account.loan.as_ref().map(|loan| {
        let text = fill(
            s.account_loan_current,
            &[
                ("lent_to", &loan.lent_to),
                ("reason", &loan.reason),
                ("until", &loan.until.to_string()),
                ("by", &loan.recorded_by),
            ],
        );
        view! { <p class="hint loan-current">{text}</p> }
    });
    view! {
        <form id="loan-form" class="sheet-form" on:submit=on_submit novalidate>
            <h2 class="card-title">{fill(s.account_loan_title, &[("username", &account.username)])}</h2>
            <p class="hint">{s.account_loan_hint}</p>
            {current}
            <FormAlert message=form.alert/>
            <TextField
                name="lent_to"
                label=s.account_loan_lent_to
                autocomplete="off"
                value=lent_to
                form=form
                error=err("lent_to")
            />
            <TextField
                name="reason"
                label=s.account_loan_reason
                autocomplete="off"
                value=reason
                form=form
                error=err("reason")
            />
            <TextField
                name="until"
                label=s.account_loan_until
                input_type="date"
                min=today.to_string()
                value=until
                form=form
                error=err("until")
            />
            <SheetButtons form=form on_cancel=on_cancel/>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xueji_shared::api::{OrgSummary, PasswordLoan};
    use xueji_shared::org::Level;

    fn account(id: i64, username: &str) -> AccountInfo {
        AccountInfo {
            id,
            username: username.into(),
            display_name: "王老师".into(),
            role: Role::Registrar,
            org: OrgSummary {
                id: 7,
                code: "3330106001".into(),
                name: "杭州市西湖区求是小学".into(),
                level: Level::School,
            },
            disabled: false,
            locked_until: None,
            must_change_password: false,
            password_changed_at: "2026-01-01T00:00:00+08:00".into(),
            loan: None,
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn statuses_of_an_account() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+08:00")
            .expect("now")
            .timestamp_millis();
        let mut a = account(1, "a");
        assert!(statuses(&a, now).is_empty());
        a.disabled = true;
        a.locked_until = Some("2026-11-23T10:15:00+08:00".into());
        a.must_change_password = true;
        a.loan = Some(PasswordLoan {
            lent_to: "李老师".into(),
            reason: "期末录入".into(),
            until: d(2026, 11, 30),
            recorded_by: "hz-xh-admin".into(),
            recorded_at: "2026-11-23T09:00:00+08:00".into(),
        });
        assert_eq!(
            statuses(&a, now),
            [
                Status::Disabled,
                Status::Locked,
                Status::MustChange,
                Status::Loaned(d(2026, 11, 30))
            ]
        );
        // A lock that ran out is no lock.
        a.locked_until = Some("2026-11-23T09:45:00+08:00".into());
        assert!(!is_locked(&a, now));
    }

    #[test]
    fn upsert_replaces_by_id_or_prepends() {
        let mut list = vec![account(1, "a"), account(2, "b")];
        let mut b = account(2, "b");
        b.disabled = true;
        upsert_account(&mut list, b);
        assert!(list[1].disabled);
        upsert_account(&mut list, account(3, "c"));
        let names: Vec<_> = list.iter().map(|a| a.username.as_str()).collect();
        assert_eq!(names, ["c", "a", "b"]);
    }

    #[test]
    fn org_choices_put_own_organisation_first() {
        let org = |id: i64, name: &str| OrgNode {
            id,
            parent_id: None,
            code: String::new(),
            name: name.into(),
            level: Level::County,
            school_kind: None,
            region_code: None,
            address: None,
            child_count: 0,
        };
        assert_eq!(
            org_choices(Some(org(1, "西湖区")), vec![org(2, "求是小学")]),
            [(1, "西湖区".to_owned()), (2, "求是小学".to_owned())]
        );
        assert!(org_choices(None, Vec::new()).is_empty());
    }

    #[test]
    fn loan_form_problems() {
        let today = d(2026, 11, 23);
        assert!(loan_problems("李老师", "期末录入", "2026-11-30", today).is_empty());
        let f = loan_problems("", "", "", today);
        let names: Vec<_> = f.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["lent_to", "reason", "until"]);
        assert_eq!(f[2].message, t().account_loan_until_required);
        let past = loan_problems("a", "b", "2026-11-01", today);
        assert_eq!(past.len(), 1);
        assert_eq!(past[0].field, "until");
    }
}
