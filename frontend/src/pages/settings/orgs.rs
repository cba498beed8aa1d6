//! 机构管理 (`/settings/orgs`): the organisation tree of the caller's jurisdiction, loaded lazily
//! one level at a time, a search box, the selected organisation's details and, for
//! administrators, the forms to add an organisation below and to edit one.

use std::collections::{BTreeSet, HashMap};

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use xueji_shared::api::{CreateOrg, FieldError, OrgNode, UpdateOrg};
use xueji_shared::org::{Level, Role, SchoolKind};

use crate::api::Api;
use crate::auth::Session;
use crate::components::form::{
    conflict_on, FormAlert, FormNotice, FormState, SelectField, SubmitButton, TextField,
};
use crate::i18n::{fill, t};
use crate::pages::settings::BackToSettings;

// ───────────────────────────── tree state (pure) ─────────────────────────────

/// The part of the tree loaded so far, and which nodes are open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgTree {
    nodes: HashMap<i64, OrgNode>,
    roots: Vec<i64>,
    /// Children of the nodes whose children were loaded.
    children: HashMap<i64, Vec<i64>>,
    expanded: BTreeSet<i64>,
    loading: BTreeSet<i64>,
}

/// One visible line of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeRow {
    pub node: OrgNode,
    /// 0 for a root.
    pub depth: usize,
    pub expanded: bool,
    pub loading: bool,
}

impl OrgTree {
    /// The top of the caller's tree (`GET /orgs`).
    pub fn set_roots(&mut self, roots: Vec<OrgNode>) {
        self.roots = roots.iter().map(|n| n.id).collect();
        for node in roots {
            self.nodes.insert(node.id, node);
        }
    }

    /// The children of `parent` arrived (`GET /orgs?parent_id=`).
    pub fn set_children(&mut self, parent: i64, children: Vec<OrgNode>) {
        self.loading.remove(&parent);
        let ids = children.iter().map(|n| n.id).collect();
        for node in children {
            self.nodes.insert(node.id, node);
        }
        self.children.insert(parent, ids);
    }

    /// Loading the children of `parent` failed: close it again so that a click retries.
    pub fn load_failed(&mut self, parent: i64) {
        self.loading.remove(&parent);
        self.expanded.remove(&parent);
    }

    /// Opens or closes a node; `true` when its children must be fetched now.
    pub fn toggle(&mut self, id: i64) -> bool {
        if self.expanded.remove(&id) {
            return false;
        }
        self.expanded.insert(id);
        let fetch = !self.children.contains_key(&id) && !self.loading.contains(&id);
        if fetch {
            self.loading.insert(id);
        }
        fetch
    }

    pub fn is_expanded(&self, id: i64) -> bool {
        self.expanded.contains(&id)
    }

    pub fn get(&self, id: i64) -> Option<&OrgNode> {
        self.nodes.get(&id)
    }

    /// The visible lines, depth first, children in the server's order.
    pub fn rows(&self) -> Vec<TreeRow> {
        let mut rows = Vec::new();
        let mut stack: Vec<(i64, usize)> = self.roots.iter().rev().map(|id| (*id, 0)).collect();
        while let Some((id, depth)) = stack.pop() {
            let Some(node) = self.nodes.get(&id) else {
                continue;
            };
            let expanded = self.expanded.contains(&id);
            rows.push(TreeRow {
                node: node.clone(),
                depth,
                expanded,
                loading: self.loading.contains(&id),
            });
            if expanded {
                if let Some(children) = self.children.get(&id) {
                    stack.extend(children.iter().rev().map(|c| (*c, depth + 1)));
                }
            }
        }
        rows
    }

    /// A created or edited organisation: replaced where it is, or added below its parent (when
    /// the parent's children are loaded; otherwise it appears when the parent is opened).
    pub fn upsert(&mut self, node: OrgNode) {
        let id = node.id;
        let is_new = !self.nodes.contains_key(&id);
        if is_new {
            if let Some(parent) = node.parent_id {
                if let Some(p) = self.nodes.get_mut(&parent) {
                    p.child_count += 1;
                }
                if let Some(siblings) = self.children.get_mut(&parent) {
                    let at = siblings
                        .iter()
                        .position(|s| self.nodes.get(s).is_some_and(|s| s.code > node.code))
                        .unwrap_or(siblings.len());
                    siblings.insert(at, id);
                }
            }
        }
        self.nodes.insert(id, node);
    }
}

/// An optional text field: `None` when blank.
fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

// ─────────────────────────────────── page ───────────────────────────────────

/// What the side panel shows besides the details.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
    View,
    Create { parent: OrgNode, level: Level },
    Edit { node: OrgNode },
}

#[component]
pub fn OrgsPage() -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let session = expect_context::<Session>();
    let tree = RwSignal::new(OrgTree::default());
    let alert = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let selected = RwSignal::new(None::<OrgNode>);
    let mode = RwSignal::new(Mode::View);
    let is_admin = move || session.account().is_some_and(|me| me.role == Role::Admin);
    let own_org = move || session.account().map(|me| me.org.id);

    let load_children = move |id: i64| {
        spawn_local(async move {
            match api.org_children(id).await {
                Ok(children) => {
                    tree.try_update(|t| t.set_children(id, children));
                }
                Err(e) => {
                    tree.try_update(|t| t.load_failed(id));
                    alert.try_set(Some(e.message()));
                }
            }
        });
    };
    let toggle = move |id: i64| {
        let fetch = tree.try_update(|t| t.toggle(id)).unwrap_or(false);
        if fetch {
            load_children(id);
        }
    };

    // The root of the caller's tree, opened one level.
    spawn_local(async move {
        match api.org_roots().await {
            Ok(roots) => {
                let first = roots.first().cloned();
                tree.try_update(|t| t.set_roots(roots));
                if let Some(root) = first {
                    selected.try_set(Some(root.clone()));
                    if root.child_count > 0 {
                        toggle(root.id);
                    }
                }
            }
            Err(e) => {
                alert.try_set(Some(e.message()));
            }
        }
    });

    let select = move |node: OrgNode| {
        notice.set(None);
        mode.set(Mode::View);
        selected.set(Some(node));
        reveal_detail();
    };

    // Search.
    let query = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Vec<OrgNode>>);
    let searching = RwSignal::new(false);
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let q = query.get_untracked().trim().to_owned();
        if q.is_empty() {
            results.set(None);
            return;
        }
        searching.set(true);
        spawn_local(async move {
            let found = api.org_search(&q).await;
            searching.try_set(false);
            match found {
                Ok(list) => {
                    results.try_set(Some(list));
                }
                Err(e) => {
                    alert.try_set(Some(e.message()));
                }
            }
        });
    };
    let clear_search = move |_| {
        query.set(String::new());
        results.set(None);
    };

    let saved = move |node: OrgNode, created: bool| {
        let template = if created {
            s.org_created
        } else {
            s.org_updated
        };
        notice.set(Some(fill(template, &[("name", &node.name)])));
        tree.update(|t| t.upsert(node.clone()));
        results.update(|r| {
            if let Some(list) = r {
                for n in list.iter_mut().filter(|n| n.id == node.id) {
                    *n = node.clone();
                }
            }
        });
        mode.set(Mode::View);
        selected.set(Some(node));
    };

    let tree_rows = move || {
        tree.with(|t| t.rows())
            .into_iter()
            .map(|row| {
                let node = row.node.clone();
                let id = node.id;
                let code = node.code.clone();
                let has_children = node.child_count > 0;
                let is_selected = move || selected.with(|sel| sel.as_ref().map(|n| n.id) == Some(id));
                let toggle_button = if has_children {
                    view! {
                        <button
                            class="tree-toggle"
                            type="button"
                            aria-label=if row.expanded { s.orgs_collapse } else { s.orgs_expand }
                            aria-busy=row.loading.to_string()
                            on:click=move |_| toggle(id)
                        >
                            <span class="tree-caret" aria-hidden="true"></span>
                        </button>
                    }
                    .into_any()
                } else {
                    view! { <span class="tree-toggle tree-leaf" aria-hidden="true"></span> }.into_any()
                };
                view! {
                    <li
                        role="treeitem"
                        class="org-row"
                        class:selected=is_selected
                        data-org-code=code
                        attr:aria-level=(row.depth + 1).to_string()
                        aria-expanded=has_children.then(|| row.expanded.to_string())
                        aria-selected=move || is_selected().to_string()
                        style=format!("--depth: {}", row.depth)
                    >
                        {toggle_button}
                        <OrgLine node=node.clone() on_select=Callback::new(move |_| select(node.clone()))/>
                    </li>
                }
            })
            .collect_view()
    };

    let search_results = move || {
        results.get().map(|list| {
            if list.is_empty() {
                return view! {
                    <p id="org-search-empty" class="empty-note" role="status">{s.orgs_search_empty}</p>
                }
                .into_any();
            }
            let title = fill(s.orgs_search_results, &[("n", &list.len().to_string())]);
            let label = title.clone();
            let items = list
                .into_iter()
                .map(|node| {
                    let code = node.code.clone();
                    let n = node.clone();
                    view! {
                        <li class="org-row" data-org-code=code>
                            <OrgLine node=node on_select=Callback::new(move |_| select(n.clone()))/>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section id="org-search-results" class="org-results" aria-label=label>
                    <h2 class="section-title">{title}</h2>
                    <ul class="org-list">{items}</ul>
                </section>
            }
            .into_any()
        })
    };

    let detail = move || {
        let node = selected.get()?;
        let admin = is_admin();
        let below_own = own_org() != Some(node.id);
        let child_level = node.level.child();
        let kind = node
            .school_kind
            .map(|k| k.label().to_owned())
            .unwrap_or_else(|| s.common_none.to_owned());
        let rows = [
            ("name", s.org_field_name, node.name.clone()),
            ("code", s.org_field_code, node.code.clone()),
            ("level", s.field_org_level, node.level.label().to_owned()),
            ("school_kind", s.org_field_kind, kind),
            (
                "region_code",
                s.org_field_region,
                node.region_code
                    .clone()
                    .unwrap_or_else(|| s.common_none.to_owned()),
            ),
            (
                "address",
                s.org_field_address,
                node.address
                    .clone()
                    .unwrap_or_else(|| s.common_none.to_owned()),
            ),
            (
                "child_count",
                s.org_field_children,
                node.child_count.to_string(),
            ),
        ]
        .into_iter()
        .filter(|(key, ..)| *key != "school_kind" || node.level == Level::School)
        .map(|(key, label, value)| {
            view! {
                <div class="field" data-field=key>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                </div>
            }
        })
        .collect_view();
        let add_parent = node.clone();
        let edit_node = node.clone();
        let actions = admin.then(|| {
            view! {
                <div class="button-row">
                    {child_level.map(|level| {
                        let parent = add_parent.clone();
                        view! {
                            <button
                                id="org-add-child"
                                class="button button-primary"
                                type="button"
                                on:click=move |_| {
                                    notice.set(None);
                                    mode.set(Mode::Create { parent: parent.clone(), level })
                                }
                            >
                                {s.org_add_child}
                            </button>
                        }
                    })}
                    {below_own.then(|| {
                        let node = edit_node.clone();
                        view! {
                            <button
                                id="org-edit"
                                class="button button-secondary"
                                type="button"
                                on:click=move |_| {
                                    notice.set(None);
                                    mode.set(Mode::Edit { node: node.clone() })
                                }
                            >
                                {s.org_edit}
                            </button>
                        }
                    })}
                </div>
            }
        });
        Some(view! {
            <section id="org-detail" class="card org-detail" data-org-id=node.id.to_string()>
                <h2 class="card-title">{s.orgs_detail_title}</h2>
                <dl class="fields fields-single">{rows}</dl>
                {actions}
            </section>
        })
    };

    let form = move || match mode.get() {
        Mode::View => None,
        m => Some(view! {
            <OrgForm
                mode=m
                on_done=Callback::new(move |(node, created)| saved(node, created))
                on_cancel=Callback::new(move |_| mode.set(Mode::View))
            />
        }),
    };

    view! {
        <div class="page orgs-page" data-page="orgs">
            <BackToSettings/>
            <h1 class="page-title">{s.orgs_title}</h1>
            <p class="page-lead">{s.orgs_lead}</p>
            {move || (!is_admin()).then(|| view! { <p class="hint">{s.orgs_read_only}</p> })}
            <FormAlert message=alert/>
            <form id="org-search" class="search-bar" role="search" on:submit=on_search>
                <label class="visually-hidden" for="org-search-q">{s.orgs_search_label}</label>
                <input
                    id="org-search-q"
                    class="input"
                    type="search"
                    name="q"
                    placeholder=s.orgs_search_placeholder
                    autocomplete="off"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <button
                    id="org-search-submit"
                    class="button button-primary"
                    type="submit"
                    disabled=move || searching.get()
                >
                    {s.common_search}
                </button>
                {move || {
                    results
                        .with(Option::is_some)
                        .then(|| {
                            view! {
                                <button
                                    id="org-search-clear"
                                    class="button button-secondary"
                                    type="button"
                                    on:click=clear_search
                                >
                                    {s.common_clear}
                                </button>
                            }
                        })
                }}
            </form>
            <div class="split">
                <div class="split-main">
                    {search_results}
                    <section class="card org-tree-card">
                        <h2 class="section-title">{s.orgs_tree_label}</h2>
                        <ul id="org-tree" class="org-tree" role="tree" aria-label=s.orgs_tree_label>
                            {tree_rows}
                        </ul>
                    </section>
                </div>
                <aside class="split-side">
                    <FormNotice message=notice/>
                    {detail}
                    {form}
                    {move || selected.with(Option::is_none).then(|| view! { <p class="hint">{s.orgs_select_hint}</p> })}
                </aside>
            </div>
        </div>
    }
}

/// Name, code, level and school kind of one organisation, as a button that selects it.
#[component]
fn OrgLine(node: OrgNode, on_select: Callback<()>) -> impl IntoView {
    let kind = node.school_kind.map(|k| {
        view! { <span class="badge badge-muted org-kind">{k.label()}</span> }
    });
    view! {
        <button class="org-line" type="button" on:click=move |_| on_select.run(())>
            <span class="org-name">{node.name}</span>
            <span class="org-meta">
                <span class="org-code">{node.code}</span>
                <span class="badge org-level">{node.level.label()}</span>
                {kind}
            </span>
        </button>
    }
}

/// On phones the details are below the tree: bring them into view after a selection.
fn reveal_detail() {
    let narrow = window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 768.0);
    if narrow {
        request_animation_frame(|| {
            if let Some(el) = document().get_element_by_id("org-detail") {
                el.scroll_into_view();
            }
        });
    }
}

const ORG_FIELDS: [&str; 4] = ["code", "name", "school_kind", "address"];

/// `#org-form`: a new organisation below a parent, or an edit.
#[component]
fn OrgForm(
    mode: Mode,
    on_done: Callback<(OrgNode, bool)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let s = t();
    let api = expect_context::<Api>();
    let form = FormState::new();
    let (title, level, editing) = match &mode {
        Mode::Create { parent, level } => (
            fill(
                s.org_create_title,
                &[("parent", &parent.name), ("level", level.label())],
            ),
            *level,
            None,
        ),
        Mode::Edit { node } => (
            fill(s.org_edit_title, &[("name", &node.name)]),
            node.level,
            Some(node.clone()),
        ),
        Mode::View => (String::new(), Level::School, None),
    };
    let parent_id = match &mode {
        Mode::Create { parent, .. } => parent.id,
        _ => 0,
    };
    let start = editing.clone();
    let code = RwSignal::new(start.as_ref().map(|n| n.code.clone()).unwrap_or_default());
    let name = RwSignal::new(start.as_ref().map(|n| n.name.clone()).unwrap_or_default());
    let kind = RwSignal::new(
        start
            .as_ref()
            .and_then(|n| n.school_kind)
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default(),
    );
    let address = RwSignal::new(
        start
            .as_ref()
            .and_then(|n| n.address.clone())
            .unwrap_or_default(),
    );
    let edit_id = editing.as_ref().map(|n| n.id);

    let create_req = move || CreateOrg {
        parent_id,
        code: code.get().trim().to_owned(),
        name: name.get().trim().to_owned(),
        school_kind: SchoolKind::parse(&kind.get()),
        address: optional(&address.get()),
    };
    let update_req = move || UpdateOrg {
        name: name.get().trim().to_owned(),
        school_kind: SchoolKind::parse(&kind.get()),
        address: optional(&address.get()),
    };
    // The shared crate's verdict, as the user types.
    let problems = Memo::new(move |_| -> Vec<FieldError> {
        match edit_id {
            None => create_req().validate(level),
            Some(_) => update_req().validate(level),
        }
    });
    let err = move |field: &'static str| form.error(field, problems);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin(&problems.get_untracked()) {
            return;
        }
        spawn_local(async move {
            let result = match edit_id {
                None => api
                    .create_org(&untrack(create_req))
                    .await
                    .map(|n| (n, true)),
                Some(id) => api
                    .update_org(id, &untrack(update_req))
                    .await
                    .map(|n| (n, false)),
            };
            match result {
                Ok(done) => {
                    form.succeed();
                    on_done.run(done);
                }
                Err(e) => form.fail(&conflict_on(e, "code"), &ORG_FIELDS),
            }
        });
    };

    let is_school = level == Level::School;
    let code_hint = if is_school {
        s.org_field_code_school_hint
    } else {
        s.org_field_code_region_hint
    };
    let kind_options = SchoolKind::ALL
        .into_iter()
        .map(|k| {
            view! {
                <option value=k.as_str() selected=move || kind.get() == k.as_str()>
                    {k.label()}
                </option>
            }
        })
        .collect_view();

    view! {
        <form id="org-form" class="card form-card" on:submit=on_submit novalidate>
            <h2 class="card-title">{title}</h2>
            <FormAlert message=form.alert/>
            <TextField
                name="code"
                label=s.org_field_code
                inputmode="numeric"
                autocomplete="off"
                disabled=edit_id.is_some()
                placeholder=code_hint
                value=code
                form=form
                error=err("code")
            >
                <span class="form-hint">{code_hint}</span>
            </TextField>
            <TextField name="name" label=s.org_field_name autocomplete="off" value=name form=form error=err("name")/>
            {is_school
                .then(|| {
                    view! {
                        <SelectField
                            name="school_kind"
                            label=s.org_field_kind
                            form=form
                            error=err("school_kind")
                            on_change=move |v: String| kind.set(v)
                        >
                            <option value="" selected=move || kind.get().is_empty()>
                                {s.org_field_kind_placeholder}
                            </option>
                            {kind_options}
                        </SelectField>
                    }
                })}
            <TextField
                name="address"
                label=s.org_field_address
                optional=true
                autocomplete="off"
                value=address
                form=form
                error=err("address")
            />
            <div class="button-row">
                <SubmitButton form=form id="org-form-submit"/>
                <button class="button button-secondary" type="button" on:click=move |_| on_cancel.run(())>
                    {s.common_cancel}
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, parent: Option<i64>, code: &str, level: Level, children: u32) -> OrgNode {
        OrgNode {
            id,
            parent_id: parent,
            code: code.into(),
            name: format!("机构{id}"),
            level,
            school_kind: None,
            region_code: None,
            address: None,
            child_count: children,
        }
    }

    fn codes(tree: &OrgTree) -> Vec<(String, usize)> {
        tree.rows()
            .into_iter()
            .map(|r| (r.node.code, r.depth))
            .collect()
    }

    #[test]
    fn lazy_expansion_fetches_once_and_renders_depth_first() {
        let mut tree = OrgTree::default();
        tree.set_roots(vec![node(1, None, "330100", Level::City, 2)]);
        assert_eq!(codes(&tree), [("330100".to_owned(), 0)]);
        assert!(tree.toggle(1), "first open fetches");
        assert!(tree.rows()[0].loading);
        tree.set_children(
            1,
            vec![
                node(2, Some(1), "330102", Level::County, 1),
                node(3, Some(1), "330106", Level::County, 0),
            ],
        );
        assert!(!tree.rows()[0].loading);
        assert!(tree.toggle(2));
        tree.set_children(2, vec![node(4, Some(2), "3330102001", Level::School, 0)]);
        assert_eq!(
            codes(&tree),
            [
                ("330100".to_owned(), 0),
                ("330102".to_owned(), 1),
                ("3330102001".to_owned(), 2),
                ("330106".to_owned(), 1)
            ]
        );
        // Closing hides the subtree; reopening does not fetch again.
        assert!(!tree.toggle(1));
        assert_eq!(codes(&tree).len(), 1);
        assert!(!tree.toggle(1));
        assert_eq!(codes(&tree).len(), 4);
        assert!(tree.is_expanded(2));
    }

    #[test]
    fn a_failed_load_closes_the_node_so_a_click_retries() {
        let mut tree = OrgTree::default();
        tree.set_roots(vec![node(1, None, "330100", Level::City, 2)]);
        assert!(tree.toggle(1));
        tree.load_failed(1);
        assert!(!tree.is_expanded(1));
        assert!(tree.toggle(1));
    }

    #[test]
    fn upsert_replaces_edits_and_places_new_children_by_code() {
        let mut tree = OrgTree::default();
        tree.set_roots(vec![node(1, None, "330106", Level::County, 2)]);
        tree.toggle(1);
        tree.set_children(
            1,
            vec![
                node(2, Some(1), "3330106001", Level::School, 0),
                node(3, Some(1), "3330106003", Level::School, 0),
            ],
        );
        tree.upsert(node(9, Some(1), "3330106002", Level::School, 0));
        assert_eq!(tree.get(1).map(|n| n.child_count), Some(3));
        let order: Vec<_> = codes(&tree).into_iter().map(|(c, _)| c).collect();
        assert_eq!(order, ["330106", "3330106001", "3330106002", "3330106003"]);
        let mut edited = node(2, Some(1), "3330106001", Level::School, 0);
        edited.name = "新名称".into();
        tree.upsert(edited);
        assert_eq!(tree.get(2).map(|n| n.name.as_str()), Some("新名称"));
        assert_eq!(tree.get(1).map(|n| n.child_count), Some(3));
        // A child of a node whose children are not loaded only bumps the count.
        tree.upsert(node(10, Some(3), "x", Level::School, 0));
        assert_eq!(tree.get(3).map(|n| n.child_count), Some(1));
        assert_eq!(codes(&tree).len(), 4);
    }

    #[test]
    fn blank_optional_text_is_none() {
        assert_eq!(optional("  "), None);
        assert_eq!(optional(" 文三路 ").as_deref(), Some("文三路"));
    }
}
