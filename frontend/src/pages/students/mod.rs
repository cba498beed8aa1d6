//! 学生查询 (`/students`, registrars and leaders): a search box (学籍号 / 身份证件号 / 姓名) and
//! filters — the organisation below the caller's own, level by level down to a school
//! (`select[name=school_id]` at the school level), grade, class (once a school is known),
//! status and problem flag — that fold away on phones (`#student-filters-toggle`). Results are
//! cards on a phone and a table from the desktop up (`#student-results tr[data-student-id]`),
//! with pages. A name opens the student card ([`card`]). The form is kept while the tab lives,
//! so coming back from a card finds the same search.

pub mod card;
pub mod strings;

use std::cell::RefCell;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use xueji_shared::api::{ClassInfo, Me, OrgNode};
use xueji_shared::api_students::{StudentPage, StudentSummary, STUDENT_STATUSES};
use xueji_shared::codes::Gender;
use xueji_shared::org::{Level, Role};
use xueji_shared::stage::{Grade, Stage, StageLengths};

use crate::api::{Api, StudentQuery};
use crate::auth::Session;
use crate::components::form::FormAlert;
use crate::i18n::fill;
use crate::pages::settings::audit::page_count;
use crate::pages::students::strings::t;

// ─────────────────────────────── pure helpers ───────────────────────────────

/// Results per page.
pub const PER_PAGE: u32 = 20;

/// One level of the organisation picker: the organisations to choose from (the children of
/// the level above) and the one chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct PickLevel {
    pub options: Vec<OrgNode>,
    pub chosen: Option<i64>,
}

impl PickLevel {
    fn chosen_node(&self) -> Option<&OrgNode> {
        self.chosen
            .and_then(|id| self.options.iter().find(|o| o.id == id))
    }
}

/// The search form: what was typed and chosen, and the page shown.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchForm {
    pub text: String,
    /// The organisation picker below the caller's own organisation (empty for a school).
    pub levels: Vec<PickLevel>,
    /// National grade code, or empty.
    pub grade: String,
    pub class_id: Option<i64>,
    /// Status code, or empty.
    pub status: String,
    /// `""`, `"true"` or `"false"`.
    pub problem: String,
    pub page: u32,
}

impl Default for SearchForm {
    fn default() -> Self {
        SearchForm {
            text: String::new(),
            levels: Vec::new(),
            grade: String::new(),
            class_id: None,
            status: String::new(),
            problem: String::new(),
            page: 1,
        }
    }
}

impl SearchForm {
    /// The deepest organisation chosen in the picker.
    pub fn chosen_org(&self) -> Option<&OrgNode> {
        self.levels.iter().rev().find_map(PickLevel::chosen_node)
    }

    /// The chosen school, if the picker reached one.
    pub fn chosen_school(&self) -> Option<&OrgNode> {
        self.chosen_org().filter(|o| o.level == Level::School)
    }

    /// The API query: a chosen school as `school_id`, a chosen authority as `org_id`.
    pub fn query(&self) -> StudentQuery {
        let org = self.chosen_org();
        let (school_id, org_id) = match org {
            Some(o) if o.level == Level::School => (Some(o.id), None),
            Some(o) => (None, Some(o.id)),
            None => (None, None),
        };
        StudentQuery {
            page: self.page.max(1),
            per_page: PER_PAGE,
            q: self.text.trim().to_owned(),
            school_id,
            org_id,
            grade: self.grade.clone(),
            class_id: self.class_id,
            status: self.status.clone(),
            problem: match self.problem.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
        }
    }

    /// How many filters (besides the text) are set: shown on the folded filter button.
    pub fn active_filters(&self) -> usize {
        usize::from(self.chosen_org().is_some())
            + usize::from(!self.grade.is_empty())
            + usize::from(self.class_id.is_some())
            + usize::from(!self.status.is_empty())
            + usize::from(!self.problem.is_empty())
    }

    /// Choose `id` (or nothing) at picker level `index`: the levels below are dropped, and so
    /// is the class (it belonged to the school chosen before).
    pub fn choose(&mut self, index: usize, id: Option<i64>) {
        self.levels.truncate(index + 1);
        if let Some(level) = self.levels.get_mut(index) {
            level.chosen = id.filter(|id| level.options.iter().any(|o| o.id == *id));
        }
        self.class_id = None;
    }
}

/// Grade options (code, label) for the given stages (all stages when none are known).
pub fn grade_options(stages: &[Stage]) -> Vec<(String, String)> {
    let lengths = StageLengths::default();
    let stages = if stages.is_empty() {
        &Stage::ALL[..]
    } else {
        stages
    };
    stages
        .iter()
        .flat_map(|&stage| {
            (1..=lengths.years(stage)).map(move |year| {
                let g = Grade { stage, year };
                (g.code(), g.label())
            })
        })
        .collect()
}

/// Class options (id, label such as `小学三年级一班`), only those of `grade` when one is chosen.
pub fn class_options(classes: &[ClassInfo], grade: &str) -> Vec<(i64, String)> {
    classes
        .iter()
        .filter_map(|c| {
            let g = Grade {
                stage: c.stage,
                year: c.grade,
            };
            (grade.is_empty() || g.code() == grade)
                .then(|| (c.id, format!("{}{}", g.label(), c.name)))
        })
        .collect()
}

/// `小学三年级 一班`, either part alone, or 未填.
pub fn grade_and_class(s: &StudentSummary) -> String {
    match (&s.grade_label, &s.class_name) {
        (Some(g), Some(c)) => format!("{g} {c}"),
        (Some(g), None) => g.clone(),
        (None, Some(c)) => c.clone(),
        (None, None) => t().stu_unknown.to_owned(),
    }
}

/// The label of a picker level, from the level of its organisations.
fn level_label(options: &[OrgNode]) -> &'static str {
    let s = t();
    match options.first().map(|o| o.level) {
        Some(Level::Province) => s.stu_pick_province,
        Some(Level::City) => s.stu_pick_city,
        Some(Level::County) => s.stu_pick_county,
        _ => s.stu_pick_school,
    }
}

thread_local! {
    /// The last search form of this tab, so that coming back from a card finds it again.
    static LAST: RefCell<Option<(i64, SearchForm, Vec<ClassInfo>)>> = const { RefCell::new(None) };
}

// ─────────────────────────────────── page ───────────────────────────────────

#[component]
pub fn StudentsPage() -> impl IntoView {
    let s = t();
    let me = untrack(|| expect_context::<Session>().account());
    let body = match me {
        Some(me) if me.role == Role::Admin => view! {
            <section class="card" role="note" id="students-admin-note">
                <p>{s.stu_admin_note}</p>
            </section>
        }
        .into_any(),
        Some(me) => view! { <StudentSearch me=me/> }.into_any(),
        None => ().into_any(),
    };
    view! {
        <div class="page students-page" data-page="students">
            <h1 class="page-title">{s.stu_title}</h1>
            <p class="page-lead">{s.stu_lead}</p>
            {body}
        </div>
    }
}

#[component]
fn StudentSearch(me: Me) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let is_school = me.org.level == Level::School;
    let account = me.id;
    let (saved, saved_classes) = LAST
        .with(|l| l.borrow().clone())
        .filter(|(who, _, _)| *who == account)
        .map(|(_, f, c)| (Some(f), c))
        .unwrap_or((None, Vec::new()));
    let restored = saved.is_some();
    let form = RwSignal::new(saved.unwrap_or_default());
    // Classes of the chosen school (or of the caller's own school).
    let classes = RwSignal::new(saved_classes);
    // The caller's own school's stages (schools only).
    let own_stages = RwSignal::new(Vec::<Stage>::new());
    let folded = RwSignal::new(true);
    let page = RwSignal::new(None::<StudentPage>);
    let loading = RwSignal::new(false);
    let alert = RwSignal::new(None::<String>);

    let levels = Memo::new(move |_| form.with(|f| f.levels.clone()));
    let grade = Memo::new(move |_| form.with(|f| f.grade.clone()));
    let stages = Memo::new(move |_| {
        if is_school {
            own_stages.get()
        } else {
            form.with(|f| {
                f.chosen_school()
                    .and_then(|o| o.school_kind)
                    .map(|k| k.stages().to_vec())
                    .unwrap_or_default()
            })
        }
    });
    let school_known = Memo::new(move |_| is_school || form.with(|f| f.chosen_school().is_some()));

    // Only the answer to the latest search is shown (an earlier one may arrive later).
    let latest = StoredValue::new(0u32);
    let search = move || {
        let f = form.get_untracked();
        LAST.with(|l| *l.borrow_mut() = Some((account, f.clone(), classes.get_untracked())));
        let q = f.query();
        latest.update_value(|n| *n += 1);
        let mine = latest.get_value();
        loading.set(true);
        alert.set(None);
        spawn_local(async move {
            let result = api.students(&q).await;
            if latest.try_get_value() != Some(mine) {
                return;
            }
            loading.try_set(false);
            match result {
                Ok(p) => {
                    page.try_set(Some(p));
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
        });
    };

    let load_classes = move |school_id: i64| {
        spawn_local(async move {
            if let Ok(list) = api.classes(school_id).await {
                classes.try_set(list);
            }
        });
    };

    // The first level of the picker (authorities), or the school's own stages and classes.
    if is_school {
        let school_id = me.org.id;
        spawn_local(async move {
            if let Ok(org) = api.org(school_id).await {
                if let Some(kind) = org.school_kind {
                    own_stages.try_set(kind.stages().to_vec());
                }
            }
        });
        if !restored {
            load_classes(school_id);
        }
    } else if !restored {
        let root = me.org.id;
        spawn_local(async move {
            match api.org_children(root).await {
                Ok(options) => {
                    form.try_update(|f| {
                        f.levels = vec![PickLevel {
                            options,
                            chosen: None,
                        }]
                    });
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
        });
    }
    search();

    let choose = move |index: usize, value: String| {
        let id = value.parse::<i64>().ok();
        form.update(|f| {
            f.choose(index, id);
            f.page = 1;
        });
        classes.set(Vec::new());
        let node =
            form.with_untracked(|f| f.levels.get(index).and_then(|l| l.chosen_node().cloned()));
        if let Some(node) = node {
            if node.level == Level::School {
                load_classes(node.id);
            } else if node.child_count > 0 {
                spawn_local(async move {
                    if let Ok(options) = api.org_children(node.id).await {
                        // Only if the choice still stands.
                        form.try_update(|f| {
                            let still = f.levels.len() == index + 1
                                && f.levels[index].chosen == Some(node.id);
                            if still {
                                f.levels.push(PickLevel {
                                    options,
                                    chosen: None,
                                });
                            }
                        });
                    }
                });
            }
        }
        search();
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form.update(|f| f.page = 1);
        search();
    };
    let on_reset = move |_| {
        form.update(|f| {
            let first = f.levels.first().map(|l| PickLevel {
                options: l.options.clone(),
                chosen: None,
            });
            *f = SearchForm {
                levels: first.into_iter().collect(),
                ..SearchForm::default()
            };
        });
        if !is_school {
            classes.set(Vec::new());
        }
        search();
    };
    let go = move |delta: i64| {
        let pages = page.with_untracked(|p| {
            p.as_ref()
                .map(|p| page_count(p.total, p.per_page))
                .unwrap_or(1)
        });
        form.update(|f| {
            let next = (i64::from(f.page) + delta).clamp(1, i64::from(pages));
            f.page = u32::try_from(next).unwrap_or(1);
        });
        search();
    };

    let picker = move || {
        levels
            .get()
            .into_iter()
            .enumerate()
            .filter(|(_, l)| !l.options.is_empty())
            .map(|(i, level)| {
                let is_schools = level
                    .options
                    .first()
                    .is_some_and(|o| o.level == Level::School);
                let name = if is_schools {
                    "school_id".to_owned()
                } else {
                    format!("org_level_{i}")
                };
                let chosen = level.chosen;
                let options = level
                    .options
                    .iter()
                    .map(|o| {
                        let id = o.id;
                        view! {
                            <option value=id.to_string() selected=chosen == Some(id)>
                                {o.name.clone()}
                            </option>
                        }
                    })
                    .collect_view();
                view! {
                    <label class="form-field">
                        <span class="form-label">{level_label(&level.options)}</span>
                        <select
                            class="input"
                            name=name
                            on:change=move |ev| choose(i, event_target_value(&ev))
                        >
                            <option value="" selected=chosen.is_none()>{s.stu_any}</option>
                            {options}
                        </select>
                    </label>
                }
            })
            .collect_view()
    };

    let grade_select = move || {
        let current = grade.get();
        let options = grade_options(&stages.get())
            .into_iter()
            .map(|(code, label)| {
                let selected = code == current;
                view! { <option value=code selected=selected>{label}</option> }
            })
            .collect_view();
        view! {
            <label class="form-field">
                <span class="form-label">{s.stu_filter_grade}</span>
                <select
                    class="input"
                    name="grade"
                    on:change=move |ev| {
                        let g = event_target_value(&ev);
                        let keep = form.with_untracked(|f| f.class_id).filter(|id| {
                            classes.with_untracked(|c| {
                                class_options(c, &g).iter().any(|(cid, _)| cid == id)
                            })
                        });
                        form.update(|f| {
                            f.grade = g;
                            f.class_id = keep;
                            f.page = 1;
                        });
                        search();
                    }
                >
                    <option value="" selected=current.is_empty()>{s.stu_any}</option>
                    {options}
                </select>
            </label>
        }
    };

    let class_select = move || {
        let known = school_known.get();
        let chosen = form.with(|f| f.class_id);
        let options = classes.with(|c| class_options(c, &grade.get()));
        let options = options
            .into_iter()
            .map(|(id, label)| {
                view! { <option value=id.to_string() selected=chosen == Some(id)>{label}</option> }
            })
            .collect_view();
        view! {
            <label class="form-field">
                <span class="form-label">{s.stu_filter_class}</span>
                <select
                    class="input"
                    name="class_id"
                    disabled=!known
                    on:change=move |ev| {
                        let id = event_target_value(&ev).parse::<i64>().ok();
                        form.update(|f| {
                            f.class_id = id;
                            f.page = 1;
                        });
                        search();
                    }
                >
                    <option value="" selected=chosen.is_none()>{s.stu_any}</option>
                    {options}
                </select>
                {(!known).then(|| view! { <span class="form-hint">{s.stu_filter_class_hint}</span> })}
            </label>
        }
    };

    let status_select = move || {
        let current = form.with(|f| f.status.clone());
        let options = STUDENT_STATUSES
            .iter()
            .map(|(code, label)| {
                view! { <option value=*code selected=current == *code>{*label}</option> }
            })
            .collect_view();
        view! {
            <label class="form-field">
                <span class="form-label">{s.stu_filter_status}</span>
                <select
                    class="input"
                    name="status"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        form.update(|f| {
                            f.status = v;
                            f.page = 1;
                        });
                        search();
                    }
                >
                    <option value="" selected=current.is_empty()>{s.stu_any}</option>
                    {options}
                </select>
            </label>
        }
    };

    let problem_select = move || {
        let current = form.with(|f| f.problem.clone());
        view! {
            <label class="form-field">
                <span class="form-label">{s.stu_filter_problem}</span>
                <select
                    class="input"
                    name="problem"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        form.update(|f| {
                            f.problem = v;
                            f.page = 1;
                        });
                        search();
                    }
                >
                    <option value="" selected=current.is_empty()>{s.stu_any}</option>
                    <option value="true" selected=current == "true">{s.stu_problem_yes}</option>
                    <option value="false" selected=current == "false">{s.stu_problem_no}</option>
                </select>
            </label>
        }
    };

    let toggle_label = move || {
        let n = form.with(SearchForm::active_filters);
        let base = if folded.get() {
            s.stu_filters_show
        } else {
            s.stu_filters_hide
        };
        if n > 0 {
            format!(
                "{base}（{}）",
                fill(s.stu_filters_active, &[("n", &n.to_string())])
            )
        } else {
            base.to_owned()
        }
    };

    let rows = move || {
        page.with(|p| p.as_ref().map(|p| p.items.clone()).unwrap_or_default())
            .into_iter()
            .map(result_row)
            .collect_view()
    };

    let pager = move || {
        page.get().map(|p| {
            let pages = page_count(p.total, p.per_page);
            let text = fill(
                s.stu_total,
                &[
                    ("total", &p.total.to_string()),
                    ("page", &p.page.to_string()),
                    ("pages", &pages.to_string()),
                ],
            );
            let (first, last) = (p.page <= 1, p.page >= pages);
            let label = text.clone();
            view! {
                <nav class="pager" aria-label=label>
                    <button id="students-prev" class="button button-secondary" type="button"
                        disabled=move || first || loading.get() on:click=move |_| go(-1)>
                        {s.stu_prev}
                    </button>
                    <span class="pager-text" id="students-total">{text}</span>
                    <button id="students-next" class="button button-secondary" type="button"
                        disabled=move || last || loading.get() on:click=move |_| go(1)>
                        {s.stu_next}
                    </button>
                </nav>
            }
        })
    };

    view! {
        <form id="student-search" class="card student-search" role="search" novalidate on:submit=on_submit>
            <label class="form-field student-search-field">
                <span class="form-label">{s.stu_search_label}</span>
                <span class="search-bar">
                    <input
                        class="input"
                        type="search"
                        name="q"
                        autocomplete="off"
                        autocapitalize="none"
                        spellcheck="false"
                        enterkeyhint="search"
                        placeholder=s.stu_search_placeholder
                        prop:value=move || form.with(|f| f.text.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            form.update(|f| f.text = v);
                        }
                    />
                    <button id="student-search-submit" class="button button-primary" type="submit">
                        {s.stu_search}
                    </button>
                </span>
            </label>
            <button
                id="student-filters-toggle"
                class="button button-secondary filter-toggle"
                type="button"
                aria-controls="student-filters"
                aria-expanded=move || (!folded.get()).to_string()
                on:click=move |_| folded.update(|f| *f = !*f)
            >
                {toggle_label}
            </button>
            <div id="student-filters" class="student-filters" class:folded=move || folded.get()>
                {picker}
                {grade_select}
                {class_select}
                {status_select}
                {problem_select}
                <div class="button-row student-filter-buttons">
                    <button id="student-reset" class="button button-secondary" type="button" on:click=on_reset>
                        {s.stu_reset}
                    </button>
                </div>
            </div>
        </form>
        <FormAlert message=alert/>
        <div class="table-wrap card" id="student-results">
            <table class="data-table students-table" aria-busy=move || loading.get().to_string()>
                <thead>
                    <tr>
                        <th scope="col">{s.stu_col_name}</th>
                        <th scope="col">{s.stu_col_number}</th>
                        <th scope="col">{s.stu_col_gender}</th>
                        <th scope="col">{s.stu_col_birth}</th>
                        <th scope="col">{s.stu_col_school}</th>
                        <th scope="col">{s.stu_col_grade}</th>
                        <th scope="col">{s.stu_col_status}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {move || {
                if loading.get() && page.with(Option::is_none) {
                    Some(view! { <p class="empty-note">{crate::i18n::t().common_loading}</p> }.into_any())
                } else if page.with(|p| p.as_ref().is_some_and(|p| p.items.is_empty())) {
                    Some(view! { <p id="students-empty" class="empty-note">{s.stu_empty}</p> }.into_any())
                } else {
                    None
                }
            }}
        </div>
        {pager}
    }
}

/// One result: a card on a phone, a table row from the desktop up.
fn result_row(st: StudentSummary) -> impl IntoView {
    let s = t();
    let href = format!("/students/{}", st.id);
    let gender = Gender::from_code(&st.gender).map_or(st.gender.clone(), |g| g.label().to_owned());
    let place = grade_and_class(&st);
    let problem = st
        .has_problem
        .then(|| view! { <span class="badge badge-warn">{s.stu_has_problem}</span> });
    let status_class = if st.status == "active" {
        "badge badge-ok"
    } else {
        "badge badge-muted"
    };
    view! {
        <tr data-student-id=st.id.to_string() data-number=st.student_number.clone()>
            <td class="cell-title" data-label=s.stu_col_name>
                <A href=href attr:class="student-link">{st.name.clone()}</A>
                {problem}
            </td>
            <td class="cell-nowrap" data-label=s.stu_col_number>
                <span class="student-number">{st.student_number.clone()}</span>
            </td>
            <td data-label=s.stu_col_gender>{gender}</td>
            <td class="cell-nowrap" data-label=s.stu_col_birth>{st.birth_date.clone()}</td>
            <td data-label=s.stu_col_school>{st.school_name.clone()}</td>
            <td data-label=s.stu_col_grade>{place}</td>
            <td data-label=s.stu_col_status>
                <span class=status_class>{st.status_label.clone()}</span>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xueji_shared::org::SchoolKind;

    fn org(id: i64, level: Level, name: &str) -> OrgNode {
        OrgNode {
            id,
            parent_id: None,
            code: id.to_string(),
            name: name.into(),
            level,
            school_kind: (level == Level::School).then_some(SchoolKind::Primary),
            region_code: None,
            address: None,
            child_count: u32::from(level != Level::School),
        }
    }

    fn city_form() -> SearchForm {
        SearchForm {
            levels: vec![
                PickLevel {
                    options: vec![
                        org(1, Level::County, "上城区"),
                        org(2, Level::County, "西湖区"),
                    ],
                    chosen: Some(2),
                },
                PickLevel {
                    options: vec![org(5, Level::School, "求是小学")],
                    chosen: Some(5),
                },
            ],
            class_id: Some(9),
            ..SearchForm::default()
        }
    }

    #[test]
    fn the_deepest_choice_is_the_filter() {
        let f = city_form();
        let q = f.query();
        assert_eq!((q.school_id, q.org_id), (Some(5), None));
        assert_eq!(f.chosen_school().map(|o| o.id), Some(5));
        assert_eq!(f.active_filters(), 2);

        let mut f = city_form();
        f.choose(1, None);
        let q = f.query();
        assert_eq!((q.school_id, q.org_id), (None, Some(2)));
        assert_eq!(f.class_id, None, "the class went with the school");
        assert!(f.chosen_school().is_none());

        let mut f = city_form();
        f.choose(0, Some(1));
        assert_eq!(
            f.levels.len(),
            1,
            "the schools of the other county are gone"
        );
        assert_eq!(f.query().org_id, Some(1));
        f.choose(0, Some(99));
        assert_eq!(f.levels[0].chosen, None, "not an option");
        assert_eq!(f.query().org_id, None);
    }

    #[test]
    fn the_query_carries_every_filter() {
        let f = SearchForm {
            text: " 王 ".into(),
            grade: "13".into(),
            status: "active".into(),
            problem: "true".into(),
            page: 3,
            ..city_form()
        };
        let q = f.query();
        assert_eq!(q.q, "王");
        assert_eq!(q.grade, "13");
        assert_eq!(q.class_id, Some(9));
        assert_eq!(q.status, "active");
        assert_eq!(q.problem, Some(true));
        assert_eq!((q.page, q.per_page), (3, PER_PAGE));
        assert_eq!(f.active_filters(), 5);
        assert_eq!(SearchForm::default().query().problem, None);
        assert_eq!(SearchForm::default().active_filters(), 0);
    }

    #[test]
    fn grade_and_class_options() {
        let all = grade_options(&[]);
        assert_eq!(all.len(), 12);
        assert_eq!(all[0], ("11".to_owned(), "小学一年级".to_owned()));
        let junior = grade_options(&[Stage::Junior]);
        assert_eq!(
            junior.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(),
            ["21", "22", "23"]
        );
        let class = |id, grade, name: &str| ClassInfo {
            id,
            school_id: 5,
            stage: Stage::Primary,
            grade,
            name: name.into(),
            head_teacher: None,
            capacity: 45,
        };
        let classes = [
            class(1, 3, "一班"),
            class(2, 3, "二班"),
            class(3, 4, "一班"),
        ];
        assert_eq!(class_options(&classes, "").len(), 3);
        assert_eq!(
            class_options(&classes, "13"),
            [
                (1, "小学三年级一班".to_owned()),
                (2, "小学三年级二班".to_owned())
            ]
        );
        assert!(class_options(&classes, "21").is_empty());
    }
}
