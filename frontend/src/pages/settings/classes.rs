//! 年级班级 (`/settings/classes`): pick a school of the jurisdiction (search or browse the tree;
//! a school's own account sees its own school), list its classes by stage and grade with the
//! effective class-size cap of each stage, and — for administrators — add and edit classes
//! (`#class-form`) with name, head teacher and capacity. The shared rules
//! (`UpsertClass::validate` and `caps::check_capacity`) check the form as it is typed; the server
//! runs the same rules and its field errors land next to the field.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use xueji_shared::api::{ClassInfo, FieldError, OrgNode, UpsertClass};
use xueji_shared::api_config::CapsView;
use xueji_shared::caps::check_capacity;
use xueji_shared::org::{Level, Role, SchoolKind};
use xueji_shared::stage::{Grade, Stage};

use crate::api::Api;
use crate::components::form::{
    conflict_on, Binding, FormAlert, FormNotice, FormState, SelectField, SubmitButton, TextField,
};
use crate::i18n::{fill, t};
use crate::pages::settings::caps::effective_text;
use crate::pages::settings::config_util::me;
use crate::pages::settings::BackToSettings;

/// The fields of `#class-form` (JSON names of [`UpsertClass`]).
const FIELDS: [&str; 5] = ["stage", "grade", "name", "head_teacher", "capacity"];

/// The grades of a stage that the shared rules accept for this kind of school.
pub fn grades(kind: SchoolKind, stage: Stage) -> Vec<u8> {
    (1..=12u8)
        .filter(|g| {
            UpsertClass {
                stage,
                grade: *g,
                name: "班".into(),
                head_teacher: None,
                capacity: 1,
            }
            .validate(kind)
            .iter()
            .all(|f| f.field != "grade")
        })
        .collect()
}

/// The school's effective cap for a stage and the level it comes from.
pub fn effective_for(caps: Option<&CapsView>, stage: Stage) -> Option<(u16, Level)> {
    caps?
        .stages
        .iter()
        .find(|sc| sc.stage == stage)
        .and_then(|sc| sc.effective.zip(sc.effective_level))
}

/// What the user typed into `#class-form`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassInput {
    pub stage: Stage,
    pub grade: u8,
    pub name: String,
    pub head_teacher: String,
    pub capacity: String,
}

impl ClassInput {
    fn of(c: &ClassInfo) -> Self {
        ClassInput {
            stage: c.stage,
            grade: c.grade,
            name: c.name.clone(),
            head_teacher: c.head_teacher.clone().unwrap_or_default(),
            capacity: c.capacity.to_string(),
        }
    }

    fn blank(kind: SchoolKind) -> Self {
        ClassInput {
            stage: kind.stages().first().copied().unwrap_or(Stage::Primary),
            grade: 1,
            name: String::new(),
            head_teacher: String::new(),
            capacity: String::new(),
        }
    }

    /// The request (capacity 0 when it is not a number; the problems say so).
    pub fn request(&self) -> UpsertClass {
        let teacher = self.head_teacher.trim();
        UpsertClass {
            stage: self.stage,
            grade: self.grade,
            name: self.name.trim().to_owned(),
            head_teacher: (!teacher.is_empty()).then(|| teacher.to_owned()),
            capacity: self.capacity.trim().parse().unwrap_or(0),
        }
    }

    /// The problems, in the server's order: the form rules, then (when those pass) the
    /// capacity against the school's effective cap.
    pub fn problems(&self, kind: SchoolKind, effective: Option<(u16, Level)>) -> Vec<FieldError> {
        let number = self.capacity.trim().parse::<u16>().is_ok();
        let mut req = self.request();
        if !number {
            req.capacity = 1;
        }
        let mut f = req.validate(kind);
        if !number {
            f.push(FieldError::new("capacity", t().cfg_number_invalid));
        }
        if f.is_empty() {
            if let Err(e) = check_capacity(effective, req.capacity) {
                f.push(FieldError::new("capacity", e.to_string()));
            }
        }
        f
    }
}

/// By stage and grade, then in the order the classes were created (一班, 二班, 三班 — the
/// server's order by name would put 三班 before 二班).
fn sort_classes(list: &mut [ClassInfo]) {
    list.sort_by_key(|c| (c.stage, c.grade, c.id));
}

/// The classes of one stage, grouped by grade.
pub fn by_grade(list: &[ClassInfo], stage: Stage) -> Vec<(u8, Vec<ClassInfo>)> {
    let mut out: Vec<(u8, Vec<ClassInfo>)> = Vec::new();
    for c in list.iter().filter(|c| c.stage == stage) {
        match out.iter_mut().find(|(g, _)| *g == c.grade) {
            Some((_, v)) => v.push(c.clone()),
            None => out.push((c.grade, vec![c.clone()])),
        }
    }
    out.sort_by_key(|(g, _)| *g);
    out
}

/// The class form's target.
#[derive(Debug, Clone, PartialEq)]
enum Sheet {
    New,
    Edit(ClassInfo),
}

#[component]
pub fn ClassesPage() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let me = me();
    let is_admin = me.as_ref().is_some_and(|m| m.role == Role::Admin);
    let own_school = me.as_ref().is_some_and(|m| m.org.level == Level::School);
    let school = RwSignal::new(None::<OrgNode>);
    let classes = RwSignal::new(None::<Vec<ClassInfo>>);
    let caps = RwSignal::new(None::<CapsView>);
    let alert = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let sheet = RwSignal::new(None::<Sheet>);

    let open_school = Callback::new(move |node: OrgNode| {
        classes.set(None);
        caps.set(None);
        sheet.set(None);
        notice.set(None);
        alert.set(None);
        if node.level != Level::School || node.school_kind.is_none() {
            alert.set(Some(s.cls_school_only.to_owned()));
            return;
        }
        let id = node.id;
        school.set(Some(node));
        let current =
            move || school.try_with_untracked(|n| n.as_ref().map(|n| n.id)) == Some(Some(id));
        spawn_local(async move {
            let result = api.classes(id).await;
            if !current() {
                return;
            }
            match result {
                Ok(mut list) => {
                    sort_classes(&mut list);
                    classes.try_set(Some(list));
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
        });
        spawn_local(async move {
            // The caps only inform the form; the server checks the capacity anyway.
            if let Ok(v) = api.caps(id).await {
                if current() {
                    caps.try_set(Some(v));
                }
            }
        });
    });

    if own_school {
        spawn_local(async move {
            match api.org_roots().await {
                Ok(roots) => {
                    if let Some(root) = roots.into_iter().next() {
                        open_school.run(root);
                    }
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
        });
    }

    let saved = Callback::new(move |(class, created): (ClassInfo, bool)| {
        sheet.set(None);
        classes.update(|list| {
            if let Some(list) = list {
                list.retain(|c| c.id != class.id);
                list.push(class);
                sort_classes(list);
            }
        });
        notice.set(Some(
            if created {
                s.cls_created
            } else {
                s.cls_updated
            }
            .to_owned(),
        ));
    });

    let school_card = move || {
        let node = school.get()?;
        let kind = node.school_kind?;
        let change = (!own_school).then(|| {
            view! {
                <button
                    id="class-change-school"
                    class="button button-secondary button-small"
                    type="button"
                    on:click=move |_| {
                        school.set(None);
                        classes.set(None);
                        caps.set(None);
                        notice.set(None);
                    }
                >
                    {s.cls_change_school}
                </button>
            }
        });
        let add = is_admin.then(|| {
            view! {
                <button
                    id="class-add"
                    class="button button-primary"
                    type="button"
                    on:click=move |_| {
                        notice.set(None);
                        sheet.set(Some(Sheet::New));
                    }
                >
                    {s.cls_add}
                </button>
            }
        });
        let count = move || {
            classes.with(|l| {
                l.as_ref()
                    .map(|l| fill(s.cls_count, &[("count", &l.len().to_string())]))
            })
        };
        Some(view! {
            <section class="card cls-school" data-school-id=node.id.to_string()>
                <h2 class="card-title">{node.name.clone()}</h2>
                <p class="org-meta">
                    <span class="org-code">{node.code.clone()}</span>
                    <span class="badge badge-muted">{kind.label()}</span>
                    <span class="cls-count">{count}</span>
                </p>
                <div class="button-row">{add} {change}</div>
                {(!is_admin).then(|| view! { <p class="hint">{s.cls_read_only}</p> })}
            </section>
        })
    };

    let stages = move || {
        let node = school.get()?;
        let kind = node.school_kind?;
        let Some(list) = classes.get() else {
            return Some(view! { <p class="empty-note">{s.cfg_loading}</p> }.into_any());
        };
        let cards = kind
            .stages()
            .iter()
            .map(|stage| {
                let stage = *stage;
                let cap = move || {
                    caps.with(|c| {
                        c.as_ref()
                            .and_then(|c| c.stages.iter().find(|sc| sc.stage == stage))
                            .map(|sc| fill(s.cls_cap, &[("value", &effective_text(sc))]))
                    })
                };
                let groups = by_grade(&list, stage);
                let body = if groups.is_empty() {
                    view! { <p class="empty-note">{s.cls_stage_empty}</p> }.into_any()
                } else {
                    groups
                        .into_iter()
                        .map(|(grade, rows)| {
                            let items = rows
                                .into_iter()
                                .map(|c| view! { <ClassRow class=c editable=is_admin sheet=sheet/> })
                                .collect_view();
                            view! {
                                <div class="cls-grade" data-grade=grade.to_string()>
                                    <h3 class="section-title">{Grade { stage, year: grade }.label()}</h3>
                                    <ul class="cls-list">{items}</ul>
                                </div>
                            }
                        })
                        .collect_view()
                        .into_any()
                };
                view! {
                    <section class="card cls-stage" data-stage=stage.as_str()>
                        <h2 class="card-title">{stage.label()}</h2>
                        <p class="cls-cap" data-cap-stage=stage.as_str()>{cap}</p>
                        {body}
                    </section>
                }
            })
            .collect_view();
        Some(view! { <div class="cls-stages">{cards}</div> }.into_any())
    };

    let sheet_view = move || {
        let open = sheet.get()?;
        let node = school.get_untracked()?;
        let kind = node.school_kind?;
        let close = Callback::new(move |_| sheet.set(None));
        Some(view! {
            <div
                class="sheet-backdrop"
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        sheet.set(None);
                    }
                }
            >
                <div class="sheet card" role="dialog" aria-modal="true">
                    <ClassForm
                        school_id=node.id
                        kind=kind
                        editing=match open {
                            Sheet::New => None,
                            Sheet::Edit(c) => Some(c),
                        }
                        caps=caps
                        on_done=saved
                        on_cancel=close
                    />
                </div>
            </div>
        })
    };

    view! {
        <div class="page settings-page config-page" data-page="classes">
            <BackToSettings/>
            <h1 class="page-title">{s.cls_title}</h1>
            <p class="page-lead">{s.cls_lead}</p>
            <FormAlert message=alert/>
            <FormNotice message=notice/>
            {move || {
                (!own_school && school.with(Option::is_none))
                    .then(|| view! { <SchoolPicker on_pick=open_school/> })
            }}
            {school_card}
            {stages}
            {sheet_view}
        </div>
    }
}

/// One class: `[data-class-id=ID]`.
#[component]
fn ClassRow(class: ClassInfo, editable: bool, sheet: RwSignal<Option<Sheet>>) -> impl IntoView {
    let s = t();
    let teacher = match class.head_teacher.as_deref() {
        Some(name) => fill(s.cls_teacher_value, &[("name", name)]),
        None => s.cls_teacher_none.to_owned(),
    };
    let capacity = fill(
        s.cls_capacity_value,
        &[("capacity", &class.capacity.to_string())],
    );
    let edit = editable.then(|| {
        let c = class.clone();
        view! {
            <button
                class="button button-secondary button-small cls-edit"
                type="button"
                on:click=move |_| sheet.set(Some(Sheet::Edit(c.clone())))
            >
                {s.cls_edit}
            </button>
        }
    });
    view! {
        <li class="cls-row" data-class-id=class.id.to_string()>
            <span class="cls-name">{class.name.clone()}</span>
            <span class="cls-teacher">{teacher}</span>
            <span class="cls-capacity" data-capacity=class.capacity.to_string()>{capacity}</span>
            {edit}
        </li>
    }
}

/// `#class-form`: a new class, or edit one.
#[component]
fn ClassForm(
    school_id: i64,
    kind: SchoolKind,
    editing: Option<ClassInfo>,
    caps: RwSignal<Option<CapsView>>,
    on_done: Callback<(ClassInfo, bool)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let form = FormState::new();
    let edit_id = editing.as_ref().map(|c| c.id);
    let title = match &editing {
        Some(c) => fill(s.cls_edit_title, &[("name", &c.name)]),
        None => s.cls_new_title.to_owned(),
    };
    let input = RwSignal::new(
        editing
            .as_ref()
            .map(ClassInput::of)
            .unwrap_or_else(|| ClassInput::blank(kind)),
    );
    let effective = Memo::new(move |_| {
        let stage = input.with(|i| i.stage);
        caps.with(|c| effective_for(c.as_ref(), stage))
    });
    let local = Memo::new(move |_| input.with(|i| i.problems(kind, effective.get())));
    let err = move |field: &'static str| form.error(field, local);
    // A text box bound to one field of the input.
    let text = move |get: fn(&ClassInput) -> String, set: fn(&mut ClassInput, String)| {
        Binding::new(
            move || input.with(get),
            move |v| input.update(|i| set(i, v)),
        )
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin(&local.get_untracked()) {
            return;
        }
        let req = input.with_untracked(ClassInput::request);
        spawn_local(async move {
            let result = match edit_id {
                Some(id) => api.update_class(id, &req).await,
                None => api.create_class(school_id, &req).await,
            };
            match result {
                Ok(class) => {
                    form.succeed();
                    on_done.run((class, edit_id.is_none()));
                }
                Err(e) => form.fail(&conflict_on(e, "name"), &FIELDS),
            }
        });
    };

    let stage_options = kind
        .stages()
        .iter()
        .map(|st| {
            let st = *st;
            view! {
                <option value=st.as_str() selected=move || input.with(|i| i.stage == st)>
                    {st.label()}
                </option>
            }
        })
        .collect_view();
    let grade_options = move || {
        let (stage, current) = input.with(|i| (i.stage, i.grade));
        grades(kind, stage)
            .into_iter()
            .map(|g| {
                view! {
                    <option value=g.to_string() selected=g == current>
                        {Grade { stage, year: g }.label()}
                    </option>
                }
            })
            .collect_view()
    };
    let cap_hint = move || {
        effective.get().map(|(cap, _)| {
            view! {
                <span class="form-hint">
                    {fill(s.cls_capacity_limit, &[("cap", &cap.to_string())])}
                </span>
            }
        })
    };

    view! {
        <form id="class-form" class="sheet-form" on:submit=on_submit novalidate>
            <h2 class="card-title">{title}</h2>
            <FormAlert message=form.alert/>
            <div class="config-row">
                <SelectField
                    name="stage"
                    label=s.cls_stage
                    form=form
                    error=err("stage")
                    value=move || input.with(|i| i.stage.as_str().to_owned())
                    on_change=move |v: String| {
                        if let Some(stage) = Stage::parse(&v) {
                            let valid = grades(kind, stage);
                            input.update(|i| {
                                i.stage = stage;
                                if !valid.contains(&i.grade) {
                                    i.grade = 1;
                                }
                            });
                        }
                    }
                >
                    {stage_options}
                </SelectField>
                <SelectField
                    name="grade"
                    label=s.cls_grade
                    form=form
                    error=err("grade")
                    value=move || input.with(|i| i.grade.to_string())
                    on_change=move |v: String| {
                        if let Ok(g) = v.parse::<u8>() {
                            input.update(|i| i.grade = g);
                        }
                    }
                >
                    {grade_options}
                </SelectField>
            </div>
            <TextField
                name="name"
                label=s.cls_name
                autocomplete="off"
                value=text(|i| i.name.clone(), |i, v| i.name = v)
                form=form
                error=err("name")
            />
            <TextField
                name="head_teacher"
                label=s.cls_head_teacher
                optional=true
                autocomplete="off"
                value=text(|i| i.head_teacher.clone(), |i, v| i.head_teacher = v)
                form=form
                error=err("head_teacher")
            />
            <TextField
                name="capacity"
                label=s.cls_capacity
                inputmode="numeric"
                autocomplete="off"
                value=text(|i| i.capacity.clone(), |i, v| i.capacity = v)
                form=form
                error=err("capacity")
            >
                {cap_hint}
            </TextField>
            <div class="button-row">
                <SubmitButton form=form/>
                <button
                    class="button button-secondary"
                    type="button"
                    on:click=move |_| on_cancel.run(())
                >
                    {s.cls_cancel}
                </button>
            </div>
        </form>
    }
}

/// Choose a school: search by name or code, or browse the tree one level at a time.
#[component]
fn SchoolPicker(on_pick: Callback<OrgNode>) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let query = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Vec<OrgNode>>);
    let searching = RwSignal::new(false);
    // The organisations opened so far, top down; `children` are the last one's (or the roots).
    let path = RwSignal::new(Vec::<OrgNode>::new());
    let children = RwSignal::new(None::<Vec<OrgNode>>);
    let alert = RwSignal::new(None::<String>);

    let load = move |parent: Option<i64>| {
        children.set(None);
        spawn_local(async move {
            let result = match parent {
                Some(id) => api.org_children(id).await,
                None => api.org_roots().await,
            };
            match result {
                Ok(list) => {
                    children.try_set(Some(list));
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
        });
    };
    load(None);

    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let q = query.get_untracked();
        if q.trim().is_empty() {
            results.set(None);
            return;
        }
        searching.set(true);
        spawn_local(async move {
            match api.org_search(&q).await {
                Ok(list) => {
                    results.try_set(Some(
                        list.into_iter()
                            .filter(|n| n.level == Level::School)
                            .collect(),
                    ));
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
            searching.try_set(false);
        });
    };

    let open = move |node: OrgNode| {
        if node.level == Level::School {
            on_pick.run(node);
        } else {
            let id = node.id;
            path.update(|p| p.push(node));
            load(Some(id));
        }
    };
    let up = move |_| {
        let mut p = path.get_untracked();
        p.pop();
        let parent = p.last().map(|n| n.id);
        path.set(p);
        load(parent);
    };

    let row = move |node: OrgNode| {
        let kind = node
            .school_kind
            .map(|k| view! { <span class="badge badge-muted org-kind">{k.label()}</span> });
        let code = node.code.clone();
        let (name, shown_code, level) = (node.name.clone(), node.code.clone(), node.level);
        view! {
            <li class="org-row" data-org-code=code data-level=level.as_str()>
                <button class="org-line" type="button" on:click=move |_| open(node.clone())>
                    <span class="org-name">{name}</span>
                    <span class="org-meta">
                        <span class="org-code">{shown_code}</span>
                        <span class="badge org-level">{level.label()}</span>
                        {kind}
                    </span>
                </button>
            </li>
        }
    };

    let search_results = move || {
        results.get().map(|list| {
            if list.is_empty() {
                return view! { <p class="empty-note" role="status">{s.cls_search_empty}</p> }
                    .into_any();
            }
            let items = list.into_iter().map(row).collect_view();
            view! {
                <section id="class-school-results" class="org-results">
                    <ul class="org-list">{items}</ul>
                </section>
            }
            .into_any()
        })
    };

    let browse = move || {
        let Some(list) = children.get() else {
            return view! { <p class="empty-note">{s.cfg_loading}</p> }.into_any();
        };
        let items = list.into_iter().map(row).collect_view();
        view! { <ul class="org-list">{items}</ul> }.into_any()
    };
    let crumbs = move || {
        path.with(|p| {
            (!p.is_empty()).then(|| {
                let names = p
                    .iter()
                    .map(|n| n.name.clone())
                    .collect::<Vec<_>>()
                    .join(" / ");
                view! {
                    <div class="cls-crumbs">
                        <button
                            id="class-browse-up"
                            class="button button-secondary button-small"
                            type="button"
                            on:click=up
                        >
                            {s.cls_browse_up}
                        </button>
                        <span class="cls-crumb-path">{names}</span>
                    </div>
                }
            })
        })
    };

    view! {
        <section class="card cls-picker">
            <h2 class="card-title">{s.cls_pick_school}</h2>
            <FormAlert message=alert/>
            <form id="class-school-search" class="search-bar" role="search" on:submit=on_search>
                <label class="visually-hidden" for="class-school-q">{s.cls_school}</label>
                <input
                    id="class-school-q"
                    class="input"
                    type="search"
                    name="q"
                    placeholder=s.cls_search_placeholder
                    autocomplete="off"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <button
                    id="class-school-search-submit"
                    class="button button-primary"
                    type="submit"
                    disabled=move || searching.get()
                >
                    {s.cls_search}
                </button>
            </form>
            {search_results}
            <h3 class="section-title">{s.cls_browse}</h3>
            {crumbs}
            <div id="class-school-browse">{browse}</div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(capacity: &str) -> ClassInput {
        ClassInput {
            stage: Stage::Primary,
            grade: 1,
            name: "三班".into(),
            head_teacher: " ".into(),
            capacity: capacity.into(),
        }
    }

    #[test]
    fn grades_follow_the_shared_rules() {
        assert_eq!(
            grades(SchoolKind::Primary, Stage::Primary),
            [1, 2, 3, 4, 5, 6]
        );
        assert_eq!(grades(SchoolKind::Senior, Stage::Senior), [1, 2, 3]);
    }

    #[test]
    fn capacity_is_checked_against_the_effective_cap() {
        let cap = Some((40, Level::County));
        assert!(input("40").problems(SchoolKind::Primary, cap).is_empty());
        let p = input("41").problems(SchoolKind::Primary, cap);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].field, "capacity");
        assert!(p[0].message.contains("40人"), "{}", p[0].message);
        assert!(input("41").problems(SchoolKind::Primary, None).is_empty());
        let p = input("x").problems(SchoolKind::Primary, cap);
        assert_eq!(p[0].field, "capacity");
        assert_eq!(input("40").request().head_teacher, None);
        let mut wrong = input("40");
        wrong.stage = Stage::Senior;
        assert_eq!(wrong.problems(SchoolKind::Primary, cap)[0].field, "stage");
    }

    #[test]
    fn classes_grouped_by_grade() {
        let c = |id, stage, grade| ClassInfo {
            id,
            school_id: 1,
            stage,
            grade,
            name: format!("{id}班"),
            head_teacher: None,
            capacity: 45,
        };
        let list = [
            c(1, Stage::Primary, 2),
            c(2, Stage::Primary, 1),
            c(3, Stage::Junior, 1),
            c(4, Stage::Primary, 2),
        ];
        let g = by_grade(&list, Stage::Primary);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].0, 1);
        assert_eq!(g[1].1.len(), 2);
    }
}
