//! The student record as a form (`#registration-form` fields) and as a read-only card, both
//! grouped into the sections of [`SECTIONS`] and generated from `record::FIELDS`.

use std::collections::BTreeSet;

use leptos::prelude::*;
use serde_json::Value;
use xueji_shared::api::FieldError;
use xueji_shared::codes;
use xueji_shared::record::{FieldSpec, RecordRules, StudentRecord, MEMBER_FIELDS};
use xueji_shared::stage::{Grade, Stage, StageLengths};

use super::logic::{
    self, get_bool, get_text, input_mode, member_count, member_field, member_input_kind, set_bool,
    set_text, InputKind, Section, SECTIONS,
};
use crate::i18n::fill;
use crate::record::strings::t;

/// The state of one record form: the record (as JSON), which fields were touched, whether a
/// submit was attempted, the server's field errors and the local problems.
#[derive(Clone, Copy)]
pub struct RecordModel {
    pub record: RwSignal<Value>,
    pub touched: RwSignal<BTreeSet<String>>,
    pub submitted: RwSignal<bool>,
    pub server: RwSignal<Vec<FieldError>>,
    /// `validate_all` of the shared crate, rerun as the user types.
    pub local: Memo<Vec<FieldError>>,
}

impl RecordModel {
    pub fn new(initial: Value, rules: Signal<RecordRules>) -> Self {
        let record = RwSignal::new(initial);
        let local = Memo::new(move |_| {
            let r = record.with(logic::to_record);
            rules.with(|rules| r.validate_all(rules))
        });
        RecordModel {
            record,
            touched: RwSignal::new(BTreeSet::new()),
            submitted: RwSignal::new(false),
            server: RwSignal::new(Vec::new()),
            local,
        }
    }

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

    /// Back to a fresh form holding `value`.
    pub fn reset(&self, value: Value) {
        self.record.set(value);
        self.touched.set(BTreeSet::new());
        self.submitted.set(false);
        self.server.set(Vec::new());
    }

    /// The message next to `field` (tracked).
    pub fn message(&self, field: &str) -> Option<String> {
        let shown = self.submitted.get() || self.touched.with(|t| t.contains(field));
        self.local.with(|local| {
            self.server
                .with(|server| logic::message_for(field, local, server, shown))
        })
    }

    pub fn value(&self) -> StudentRecord {
        self.record.with_untracked(logic::to_record)
    }
}

/// Today as the browser knows it (no clock is read elsewhere).
pub fn today() -> chrono::NaiveDate {
    let d = js_sys::Date::new_0();
    logic::date_of(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
}

pub fn section_title(section: Section) -> &'static str {
    let s = t();
    match section {
        Section::Basic => s.reg_sec_basic,
        Section::Identity => s.reg_sec_identity,
        Section::Residence => s.reg_sec_residence,
        Section::Enrolment => s.reg_sec_enrolment,
        Section::Contact => s.reg_sec_contact,
        Section::HealthAid => s.reg_sec_health,
        Section::Family => s.reg_sec_family,
    }
}

/// The grade options for the school's stages (all stages when unknown).
fn grade_options(stages: &[Stage]) -> Vec<(String, String)> {
    let lengths = StageLengths::default();
    let stages: Vec<Stage> = if stages.is_empty() {
        Stage::ALL.to_vec()
    } else {
        stages.to_vec()
    };
    stages
        .into_iter()
        .flat_map(|stage| {
            (1..=lengths.years(stage)).map(move |year| {
                let g = Grade { stage, year };
                (g.code(), g.label())
            })
        })
        .collect()
}

fn options_of(kind: InputKind, stages: &[Stage]) -> Vec<(String, String)> {
    match kind {
        InputKind::Code(key) => codes::table(key)
            .map(|tb| {
                tb.entries
                    .iter()
                    .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
                    .collect()
            })
            .unwrap_or_default(),
        InputKind::Country => codes::countries()
            .map(|c| (c.alpha3.to_owned(), format!("{}（{}）", c.name, c.alpha3)))
            .collect(),
        InputKind::Grade => grade_options(stages),
        _ => Vec::new(),
    }
}

fn label_view(spec: &FieldSpec) -> impl IntoView {
    let mark = (!spec.required).then(|| {
        view! { " " <span class="optional">{crate::i18n::t().common_optional}</span> }
    });
    view! { <span class="form-label">{spec.label} {mark}</span> }
}

fn error_view(model: RecordModel, path: String) -> impl IntoView {
    let p = path.clone();
    move || {
        model.message(&p).map(|m| {
            view! { <p class="field-error" data-field=path.clone()>{m}</p> }
        })
    }
}

/// One input of the form, `name=path`.
fn field_view(
    model: RecordModel,
    path: String,
    spec: &'static FieldSpec,
    kind: InputKind,
    stages: Signal<Vec<Stage>>,
) -> AnyView {
    let p = path.clone();
    let current = Memo::new(move |_| model.record.with(|r| get_text(r, &p)));
    match kind {
        InputKind::Check => {
            let p = path.clone();
            let p2 = path.clone();
            view! {
                <label class="check-field reg-check">
                    <input
                        type="checkbox"
                        name=path.clone()
                        prop:checked=move || model.record.with(|r| get_bool(r, &p))
                        on:change=move |ev| {
                            let checked = event_target_checked(&ev);
                            model.record.update(|r| set_bool(r, &p2, checked));
                            model.touch(&p2);
                        }
                    />
                    <span>{spec.label}</span>
                </label>
            }
            .into_any()
        }
        InputKind::Code(_) | InputKind::Country | InputKind::Grade => {
            let p = path.clone();
            // 入学方式 offers only its grade's stage's codes (the stage, not every keystroke).
            let grade_stage = matches!(kind, InputKind::Code("entry_mode")).then(|| {
                Memo::new(move |_| {
                    model.record.with(|r| {
                        r.get("grade")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned()
                    })
                })
            });
            let options = move || {
                let all = options_of(kind, &stages.get());
                match grade_stage {
                    Some(g) => super::logic::entry_mode_options(all, &g.get()),
                    None => all,
                }
                .into_iter()
                .map(|(code, label)| {
                    let c = code.clone();
                    view! {
                        <option value=code selected=move || current.get() == c>{label}</option>
                    }
                })
                .collect_view()
            };
            view! {
                <label class="form-field">
                    {label_view(spec)}
                    <select
                        class="input"
                        name=path.clone()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            model.record.update(|r| set_text(r, &p, kind, &v));
                            model.touch(&p);
                        }
                    >
                        <option value="" selected=move || current.get().is_empty()>
                            {t().reg_choose}
                        </option>
                        {options}
                    </select>
                    {error_view(model, path)}
                </label>
            }
            .into_any()
        }
        _ => {
            let p = path.clone();
            let input_type = match kind {
                InputKind::Date => "date",
                InputKind::Number => "number",
                _ => "text",
            };
            let placeholder = match (kind, spec.field) {
                (InputKind::ReadOnly, _) => Some(t().reg_assigned),
                (_, "entry_year_month") => Some(t().reg_year_month_hint),
                _ => None,
            };
            let field = member_spec_name(&path);
            view! {
                <label class="form-field">
                    {label_view(spec)}
                    <input
                        class="input"
                        type=input_type
                        name=path.clone()
                        inputmode=input_mode(field)
                        step=(kind == InputKind::Number).then_some("0.1")
                        placeholder=placeholder
                        readonly=kind == InputKind::ReadOnly
                        autocomplete="off"
                        prop:value=move || current.get()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            model.record.update(|r| set_text(r, &p, kind, &v));
                            model.touch(&p);
                        }
                    />
                    {error_view(model, path)}
                </label>
            }
            .into_any()
        }
    }
}

/// The field name without the member prefix (for `inputmode`).
fn member_spec_name(path: &str) -> &str {
    logic::member_path(path).map_or(path, |(_, f)| f)
}

fn members_view(model: RecordModel, stages: Signal<Vec<Stage>>) -> impl IntoView {
    let s = t();
    let count = Memo::new(move |_| model.record.with(member_count));
    view! {
        {error_view(model, "family_members".to_owned())}
        {move || {
            let n = count.get();
            (0..n)
                .map(|i| {
                    let remove = (n > 1)
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="button button-quiet button-small"
                                    data-remove-member=i
                                    on:click=move |_| {
                                        model.record.update(|r| logic::remove_member(r, i))
                                    }
                                >
                                    {s.reg_remove_member}
                                </button>
                            }
                        });
                    let fields = MEMBER_FIELDS
                        .iter()
                        .map(|spec| {
                            field_view(
                                model,
                                member_field(i, spec.field),
                                spec,
                                member_input_kind(spec),
                                stages,
                            )
                        })
                        .collect_view();
                    view! {
                        <fieldset class="reg-member" data-member=i>
                            <legend>{fill(s.reg_member, &[("n", &(i + 1).to_string())])}</legend>
                            <div class="reg-grid">{fields}</div>
                            {remove}
                        </fieldset>
                    }
                })
                .collect_view()
        }}
        {move || {
            (count.get() < 2)
                .then(|| {
                    view! {
                        <button
                            type="button"
                            id="registration-add-member"
                            class="button button-secondary button-small"
                            on:click=move |_| model.record.update(logic::add_member)
                        >
                            {s.reg_add_member}
                        </button>
                    }
                })
        }}
    }
}

/// Whether any problem to show lies in this section (to open it and mark its summary).
fn section_has_error(model: RecordModel, fields: &'static [&'static str]) -> bool {
    let shown_all = model.submitted.get();
    model.local.with(|l| {
        l.iter().any(|e| {
            let top = e.field.split('[').next().unwrap_or(&e.field);
            fields.contains(&top) && (shown_all || model.touched.with(|t| t.contains(&e.field)))
        })
    })
}

/// The editable sections of the record.
#[component]
pub fn RecordFields(model: RecordModel, #[prop(into)] stages: Signal<Vec<Stage>>) -> impl IntoView {
    SECTIONS
        .iter()
        .map(|(section, fields)| {
            let section = *section;
            let fields: &'static [&'static str] = fields;
            let body = if section == Section::Family {
                members_view(model, stages).into_any()
            } else {
                let inputs = fields
                    .iter()
                    .filter_map(|f| logic::spec(f))
                    .map(|spec| {
                        field_view(
                            model,
                            spec.field.to_owned(),
                            spec,
                            logic::input_kind(spec),
                            stages,
                        )
                    })
                    .collect_view();
                view! { <div class="reg-grid">{inputs}</div> }.into_any()
            };
            view! {
                <details
                    class="card reg-section"
                    open=true
                    data-section=format!("{section:?}").to_lowercase()
                    class:reg-section-error=move || section_has_error(model, fields)
                >
                    <summary class="reg-section-title">{section_title(section)}</summary>
                    <div class="reg-section-body">{body}</div>
                </details>
            }
        })
        .collect_view()
}

/// The text of a record field for reading.
fn display(record: &Value, spec: &FieldSpec, kind: InputKind) -> String {
    let s = t();
    let raw = get_text(record, spec.field);
    match kind {
        InputKind::Check => {
            if get_bool(record, spec.field) {
                s.reg_yes.to_owned()
            } else {
                s.reg_no.to_owned()
            }
        }
        InputKind::Code(key) => codes::table(key)
            .and_then(|tb| tb.label(&raw))
            .map_or(raw.clone(), str::to_owned),
        InputKind::Country => codes::country(&raw).map_or(raw.clone(), |c| c.name.to_owned()),
        InputKind::Grade => {
            Grade::from_code(&raw, &StageLengths::default()).map_or(raw.clone(), Grade::label)
        }
        _ if matches!(spec.field, "birthplace" | "household_place") => region_text(&raw),
        _ => raw,
    }
}

/// A division code (6 or 12 digits) with its name in front: `浙江省杭州市西湖区（330106002022）`.
fn region_text(raw: &str) -> String {
    let name = (matches!(raw.len(), 6 | 12) && raw.bytes().all(|b| b.is_ascii_digit()))
        .then(|| raw.get(..6).and_then(|c| c.parse().ok()))
        .flatten()
        .and_then(xueji_shared::region::full_name);
    match name {
        Some(n) => format!("{n}（{raw}）"),
        None => raw.to_owned(),
    }
}

fn display_member(member: &Value, spec: &FieldSpec) -> String {
    let kind = member_input_kind(spec);
    display(member, spec, kind)
}

/// The record, read-only, in the same sections.
#[component]
pub fn RecordView(record: StudentRecord) -> impl IntoView {
    let value = logic::to_value(&record);
    let s = t();
    SECTIONS
        .iter()
        .map(|(section, fields)| {
            let body = if *section == Section::Family {
                let members = value
                    .get("family_members")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                members
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let rows = MEMBER_FIELDS
                            .iter()
                            .map(|spec| {
                                view! {
                                    <div class="reg-dl-row" data-field=member_field(i, spec.field)>
                                        <dt>{spec.label}</dt>
                                        <dd>{display_member(m, spec)}</dd>
                                    </div>
                                }
                            })
                            .collect_view();
                        view! {
                            <h3 class="reg-member-title">
                                {fill(s.reg_member, &[("n", &(i + 1).to_string())])}
                            </h3>
                            <dl class="reg-dl">{rows}</dl>
                        }
                    })
                    .collect_view()
                    .into_any()
            } else {
                let rows = fields
                    .iter()
                    .filter_map(|f| logic::spec(f))
                    .map(|spec| {
                        view! {
                            <div class="reg-dl-row" data-field=spec.field>
                                <dt>{spec.label}</dt>
                                <dd>{display(&value, spec, logic::input_kind(spec))}</dd>
                            </div>
                        }
                    })
                    .collect_view();
                view! { <dl class="reg-dl">{rows}</dl> }.into_any()
            };
            view! {
                <details class="card reg-section" open=true>
                    <summary class="reg-section-title">{section_title(*section)}</summary>
                    <div class="reg-section-body">{body}</div>
                </details>
            }
        })
        .collect_view()
}

/// Fetches the school's stages (its `school_kind`) into `stages`.
pub fn load_stages(api: crate::api::Api, school_id: i64, stages: RwSignal<Vec<Stage>>) {
    leptos::task::spawn_local(async move {
        if let Ok(org) = api.org(school_id).await {
            if let Some(kind) = org.school_kind {
                stages.try_set(kind.stages().to_vec());
            }
        }
    });
}

/// The rules the form checks with: today and the school's stages.
pub fn rules_signal(stages: RwSignal<Vec<Stage>>) -> Signal<RecordRules> {
    let today = today();
    Signal::derive(move || {
        let mut rules = RecordRules::new(today);
        rules.school_stages = stages.get();
        rules
    })
}

/// The rules of a registration of `kind` under the province's switches — the same function the
/// server checks with (`xueji_shared::business::registration::api_registration::registration_rules`).
pub fn registration_rules_signal(
    stages: RwSignal<Vec<Stage>>,
    kind: RwSignal<xueji_shared::business::registration::api_registration::RegistrationKind>,
    switches: RwSignal<Option<xueji_shared::api_config::ProvinceSwitches>>,
) -> Signal<RecordRules> {
    let today = today();
    Signal::derive(move || {
        switches.with(|sw| {
            xueji_shared::business::registration::api_registration::registration_rules(
                today,
                stages.get(),
                kind.get(),
                &sw.clone().unwrap_or_default(),
            )
        })
    })
}
