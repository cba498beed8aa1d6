//! 批量导入 (`#registration-import`) on the school registrar's registration page: download the
//! template, choose the kind, upload with a progress bar (the upload's own progress, then the
//! server's checking progress by polling the job), read the summary and the first report lines
//! (row, field, reason — a list that fits a phone), download the full report, then import the
//! valid rows, import only if all are valid, or cancel.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use xueji_shared::business::registration::api_import::{ImportJobInfo, ImportMode, ImportStatus};
use xueji_shared::business::registration::api_registration::RegistrationKind;

use crate::api::Api;
use crate::business::registration::strings::t;
use crate::i18n::fill;

const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const POLL_MS: u64 = 600;

/// Offers `bytes` to the user as a downloaded file.
fn save(bytes: &[u8], name: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let array = js_sys::Array::new();
    array.push(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(XLSX_MIME);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&array, &opts) else {
        return;
    };
    let Ok(href) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&href);
        a.set_download(name);
        if let Some(body) = doc.body() {
            let _ = body.append_child(&a);
            a.click();
            let _ = body.remove_child(&a);
        }
    }
    let _ = web_sys::Url::revoke_object_url(&href);
}

/// Downloads `path` (authenticated) and saves it as `name`; errors go to `alert`.
fn download(api: Api, path: String, name: &'static str, alert: RwSignal<Option<String>>) {
    spawn_local(async move {
        match api.download(&path).await {
            Ok(bytes) => save(&bytes, name),
            Err(e) => {
                alert.try_set(Some(e.message()));
            }
        }
    });
}

/// Polls the job until it stops moving.
fn poll(
    api: Api,
    id: i64,
    job: RwSignal<Option<ImportJobInfo>>,
    alert: RwSignal<Option<String>>,
    on_done: Callback<()>,
) {
    set_timeout(
        move || {
            spawn_local(async move {
                match api.import_job(id).await {
                    Ok(j) => {
                        let running = j.status.is_running();
                        let done = j.status == ImportStatus::Done;
                        if job.try_set(Some(j)).is_some() {
                            // The page is gone: stop.
                            return;
                        }
                        if running {
                            poll(api, id, job, alert, on_done);
                        } else if done {
                            on_done.run(());
                        }
                    }
                    Err(e) => {
                        if alert.try_set(Some(e.message())).is_none() && !e.is_unauthorized() {
                            poll(api, id, job, alert, on_done);
                        }
                    }
                }
            });
        },
        std::time::Duration::from_millis(POLL_MS),
    );
}

fn progress_bar(value: Option<f64>, label: String) -> impl IntoView {
    // Without a value the bar is indeterminate (the total is not known yet).
    view! {
        <div class="imp-progress" id="import-progress-box">
            <progress id="import-progress" max="100" value=value.map(|v| format!("{:.0}", v * 100.0))></progress>
            <span class="imp-progress-label" role="status">{label}</span>
        </div>
    }
}

fn job_view(
    j: ImportJobInfo,
    api: Api,
    job: RwSignal<Option<ImportJobInfo>>,
    alert: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    on_done: Callback<()>,
) -> AnyView {
    let s = t();
    let id = j.id;
    let summary = fill(
        s.imp_summary,
        &[
            ("total", &j.total_rows.to_string()),
            ("valid", &j.valid_rows.to_string()),
            ("invalid", &j.invalid_rows.to_string()),
        ],
    );
    let running = match j.status {
        ImportStatus::Checking => {
            let label = if j.total_rows > 0 {
                fill(
                    s.imp_checking_of,
                    &[
                        ("done", &j.rows_done.to_string()),
                        ("total", &j.total_rows.to_string()),
                    ],
                )
            } else {
                fill(s.imp_checking, &[("done", &j.rows_done.to_string())])
            };
            let v =
                (j.total_rows > 0).then(|| f64::from(j.rows_done) / f64::from(j.total_rows.max(1)));
            Some(progress_bar(v, label).into_any())
        }
        ImportStatus::Importing => Some(progress_bar(None, s.imp_importing.to_owned()).into_any()),
        _ => None,
    };
    let checked = j.status == ImportStatus::Checked;
    let message = j.message.clone().map(|m| {
        let class = if j.status == ImportStatus::Failed {
            "alert alert-error"
        } else {
            "alert alert-warn"
        };
        view! { <div class=class role="alert" id="import-message">{m}</div> }
    });
    let outcome = match j.status {
        ImportStatus::Done => Some(
            view! {
                <div class="alert alert-success" role="status" id="import-done">
                    {fill(s.imp_done, &[("n", &j.imported_rows.to_string())])}
                </div>
            }
            .into_any(),
        ),
        ImportStatus::Cancelled => Some(
            view! { <div class="alert alert-warn" role="status" id="import-cancelled">{s.imp_cancelled}</div> }
                .into_any(),
        ),
        _ => None,
    };
    let show_report = matches!(j.status, ImportStatus::Checked | ImportStatus::Done)
        || (j.status == ImportStatus::Cancelled && j.total_rows > 0);
    let report = show_report.then(|| {
        let more = (j.report_total as usize > j.report.len()).then(|| {
            view! {
                <p class="hint">
                    {fill(
                        s.imp_report_more,
                        &[("shown", &j.report.len().to_string()), ("total", &j.report_total.to_string())],
                    )}
                </p>
            }
        });
        let lines = if j.report.is_empty() {
            view! { <p class="imp-report-none" id="import-report-none">{s.imp_report_none}</p> }.into_any()
        } else {
            let items = j
                .report
                .iter()
                .map(|e| {
                    let value = (!e.value.is_empty()).then(|| {
                        view! {
                            <span class="imp-error-value">
                                {s.imp_value}"："<code>{e.value.clone()}</code>
                            </span>
                        }
                    });
                    view! {
                        <li class="imp-error" data-row=e.row data-field=e.field.clone()>
                            <span class="imp-error-head">
                                <span class="badge badge-danger">{fill(s.imp_row, &[("row", &e.row.to_string())])}</span>
                                <span class="imp-error-label">{e.label.clone()}</span>
                            </span>
                            <span class="imp-error-message">{e.message.clone()}</span>
                            {value}
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="imp-report-list" id="import-report">{items}</ul> }.into_any()
        };
        view! {
            <div class="imp-report">
                <h3 class="imp-subtitle">{s.imp_report}</h3>
                {lines}
                {more}
                <button
                    type="button"
                    class="button button-small"
                    id="import-report-download"
                    on:click=move |_| {
                        download(api, format!("/imports/{id}/report.xlsx"), "校验报告.xlsx", alert)
                    }
                >
                    {s.imp_download_report}
                </button>
            </div>
        }
    });
    let act = move |mode: Option<ImportMode>| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        alert.set(None);
        spawn_local(async move {
            let r = match mode {
                Some(m) => api.commit_import(id, m).await,
                None => api.cancel_import(id).await,
            };
            match r {
                Ok(j) => {
                    let running = j.status.is_running();
                    job.try_set(Some(j));
                    if running {
                        poll(api, id, job, alert, on_done);
                    }
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
            busy.try_set(false);
        });
    };
    let valid = j.valid_rows;
    let buttons = checked.then(|| {
        view! {
            <div class="button-row imp-actions">
                <button
                    type="button"
                    class="button button-primary"
                    id="import-commit-valid"
                    disabled=move || busy.get() || valid == 0
                    on:click=move |_| act(Some(ImportMode::ValidOnly))
                >
                    {fill(s.imp_commit_valid, &[("n", &valid.to_string())])}
                </button>
                <button
                    type="button"
                    class="button button-secondary"
                    id="import-commit-all"
                    disabled=move || busy.get()
                    on:click=move |_| act(Some(ImportMode::AllOrNothing))
                >
                    {s.imp_commit_all}
                </button>
                <button
                    type="button"
                    class="button button-quiet"
                    id="import-cancel"
                    disabled=move || busy.get()
                    on:click=move |_| act(None)
                >
                    {s.imp_cancel}
                </button>
            </div>
        }
    });
    let again = matches!(
        j.status,
        ImportStatus::Done | ImportStatus::Cancelled | ImportStatus::Failed
    )
    .then(|| {
        view! {
            <button
                type="button"
                class="button button-secondary"
                id="import-again"
                on:click=move |_| {
                    job.set(None);
                    alert.set(None);
                }
            >
                {s.imp_again}
            </button>
        }
    });
    let counted = !matches!(j.status, ImportStatus::Checking | ImportStatus::Failed);
    view! {
        <div class="imp-job" id="import-job" data-status=j.status.as_str() data-job-id=j.id>
            <dl class="reg-dl">
                <div class="reg-dl-row">
                    <dt>{s.imp_file_name}</dt>
                    <dd data-field="file">{j.file_name.clone()}</dd>
                </div>
                <div class="reg-dl-row">
                    <dt>{s.imp_status}</dt>
                    <dd data-field="status">{j.status_label.clone()}</dd>
                </div>
            </dl>
            {running}
            {counted.then(|| view! { <p class="imp-summary" id="import-summary">{summary}</p> })}
            {message}
            {outcome}
            {report}
            {buttons}
            {again}
        </div>
    }
    .into_any()
}

/// The bulk-registration card; `on_done` runs when requests were created (the list reloads).
#[component]
pub fn ImportPanel(on_done: Callback<()>) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let kind = RwSignal::new(RegistrationKind::InSchool);
    let job = RwSignal::new(None::<ImportJobInfo>);
    let upload = RwSignal::new(None::<f64>);
    let alert = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let file_ref = NodeRef::<Input>::new();

    let on_upload = move |_| {
        if busy.get_untracked() {
            return;
        }
        let file = file_ref
            .get()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        let Some(file) = file else {
            alert.set(Some(s.imp_no_file.to_owned()));
            return;
        };
        alert.set(None);
        busy.set(true);
        upload.set(Some(0.0));
        let k = kind.get_untracked();
        spawn_local(async move {
            let r = api
                .upload_import(&file, k, move |p| {
                    upload.try_set(Some(p));
                })
                .await;
            upload.try_set(None);
            busy.try_set(false);
            match r {
                Ok(j) => {
                    let id = j.id;
                    let running = j.status.is_running();
                    job.try_set(Some(j));
                    if running {
                        poll(api, id, job, alert, on_done);
                    }
                    if let Some(i) = file_ref.get_untracked() {
                        i.set_value("");
                    }
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
        });
    };

    let kinds = move || {
        [RegistrationKind::InSchool, RegistrationKind::Grade1]
            .into_iter()
            .map(|k| view! { <option value=k.as_str() selected=move || kind.get() == k>{k.label()}</option> })
            .collect_view()
    };

    view! {
        <section class="card imp-card" id="registration-import">
            <h2 class="card-title">{s.imp_title}</h2>
            <p class="hint">{s.imp_lead}</p>
            <div class="button-row">
                <button
                    type="button"
                    class="button button-secondary"
                    id="import-template"
                    on:click=move |_| {
                        download(api, "/imports/template.xlsx".into(), "学籍批量注册模板.xlsx", alert)
                    }
                >
                    {s.imp_template}
                </button>
            </div>
            <Show when=move || job.with(Option::is_none)>
                <div class="imp-upload">
                    <label class="form-field">
                        <span class="form-label">{s.imp_kind}</span>
                        <select
                            class="input"
                            id="import-kind"
                            on:change=move |ev| {
                                if let Some(k) = RegistrationKind::parse(&event_target_value(&ev)) {
                                    kind.set(k);
                                }
                            }
                        >
                            {kinds()}
                        </select>
                    </label>
                    <label class="form-field">
                        <span class="form-label">{s.imp_file}</span>
                        <input
                            class="input imp-file"
                            type="file"
                            id="import-file"
                            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            node_ref=file_ref
                        />
                    </label>
                    {move || {
                        upload
                            .get()
                            .map(|p| {
                                progress_bar(
                                    Some(p),
                                    fill(s.imp_uploading, &[("pct", &format!("{:.0}", p * 100.0))]),
                                )
                            })
                    }}
                    <button
                        type="button"
                        class="button button-primary"
                        id="import-upload"
                        disabled=move || busy.get()
                        on:click=on_upload
                    >
                        {s.imp_upload}
                    </button>
                </div>
            </Show>
            {move || {
                alert
                    .get()
                    .map(|m| view! { <div class="alert alert-error" role="alert" id="import-alert">{m}</div> })
            }}
            {move || job.get().map(|j| job_view(j, api, job, alert, busy, on_done))}
        </section>
    }
}
