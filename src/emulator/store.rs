//! The emulator's generic store: per-project tables keyed by SID, one for each resource the
//! spec describes (`x-resource`), and the list, create, fetch, update and delete they all
//! answer in one way. A resource writes only what is its own ([`Emulated`]): how a form
//! becomes a new row, what an update changes, what a delete may refuse.
//!
//! What every table does, where SignalWire's documents are silent:
//! - rows are listed in the order they were created; a listing's text filter (`FriendlyName`,
//!   `Name`) matches the field of the same name exactly, and an empty one is no filter;
//! - a form is read under its wire names into the spec's request type: an unknown parameter
//!   or a malformed value (a method other than `GET` or `POST`, a boolean other than `true`
//!   or `false`) is 400, a URL that is not absolute `http` or `https` is 400, and a required
//!   field left out is 400 (code 21xxx is not documented for these; 10000 is used);
//! - a create answers 201, a fetch and an update 200, a delete 204 and the row is then 404.

use std::{
    any::Any,
    collections::{BTreeMap, HashMap},
    marker::PhantomData,
};

use axum::{
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use uuid::Uuid;

use super::{
    form::{boolean, callback_method, callback_url, listing_pairs, pairs},
    paging::{Position, page},
    response::{Refusal, ok},
};
use crate::{
    API_ROOT_PATH,
    api::meta::{Described, FieldKind, FieldMeta, ResourceMeta},
};

/// What a request to a table sees of the emulator.
pub(crate) struct Ctx<'a> {
    pub(crate) account: Uuid,
    pub(crate) now: DateTime<Utc>,
    /// Where the emulator is reached (`http://127.0.0.1:PORT`), for URLs it hands out.
    pub(crate) origin: &'a str,
    /// A SID the emulator has not given before.
    pub(crate) sid: Uuid,
}

impl Ctx<'_> {
    /// A resource's own URI, relative to the host, as SignalWire writes it (`….json`).
    pub(crate) fn uri(&self, meta: &ResourceMeta, sid: &Uuid) -> String {
        format!(
            "{API_ROOT_PATH}/Accounts/{}/{}/{sid}.json",
            self.account, meta.path
        )
    }
}

/// What a resource kept in a table writes for itself.
pub(crate) trait Emulated: Described + Serialize + Clone + Send + Sync + 'static {
    /// The spec's request type of a create, read from the form.
    type Create: DeserializeOwned;
    /// The spec's request type of an update, read from the form.
    type Update: DeserializeOwned;
    /// The resource as the spec describes it.
    fn meta() -> &'static ResourceMeta {
        Self::META
    }
    /// A new row from a checked form.
    fn create(ctx: &Ctx<'_>, form: Self::Create) -> Result<Self, Refusal>;
    /// Changes a row by a checked form.
    fn update(&mut self, ctx: &Ctx<'_>, form: Self::Update) -> Result<(), Refusal>;
    /// Whether the row may be deleted now.
    fn removable(&self) -> Result<(), Refusal> {
        Ok(())
    }
}

/// The rows of one resource in one project, in the order they were created.
#[derive(Debug)]
pub(crate) struct Rows<R> {
    next: u64,
    by_order: BTreeMap<u64, R>,
    order_of: HashMap<Uuid, u64>,
}

impl<R> Default for Rows<R> {
    fn default() -> Self {
        Self {
            next: 1,
            by_order: BTreeMap::new(),
            order_of: HashMap::new(),
        }
    }
}

impl<R> Rows<R> {
    pub(crate) fn get(&self, sid: &Uuid) -> Option<&R> {
        self.by_order.get(self.order_of.get(sid)?)
    }

    pub(crate) fn get_mut(&mut self, sid: &Uuid) -> Option<&mut R> {
        self.by_order.get_mut(self.order_of.get(sid)?)
    }

    fn insert(&mut self, sid: Uuid, row: R) {
        self.order_of.insert(sid, self.next);
        self.by_order.insert(self.next, row);
        self.next += 1;
    }

    fn remove(&mut self, sid: &Uuid) -> Option<R> {
        let order = self.order_of.remove(sid)?;
        self.by_order.remove(&order)
    }
}

/// The tables of one project, one a resource.
#[derive(Default)]
pub(crate) struct Tables {
    tables: HashMap<&'static str, Box<dyn Any + Send + Sync>>,
}

impl std::fmt::Debug for Tables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.tables.keys()).finish()
    }
}

impl Tables {
    /// A resource's rows, if any were ever made.
    pub(crate) fn rows<R: Emulated>(&self) -> Option<&Rows<R>> {
        self.tables.get(R::meta().path)?.downcast_ref()
    }

    pub(crate) fn rows_mut<R: Emulated>(&mut self) -> &mut Rows<R> {
        self.tables
            .entry(R::meta().path)
            .or_insert_with(|| Box::new(Rows::<R>::default()))
            .downcast_mut()
            .expect("a table holds the rows of the resource it is named after")
    }
}

/// A resource's table as the router sees it.
pub(crate) trait Table: Sync {
    fn meta(&self) -> &'static ResourceMeta;
    /// Carries out a request to the collection (`sid` is `None`) or to one row.
    fn handle(&self, request: Request<'_>, tables: &mut Tables) -> Result<Response, Refusal>;
}

/// A request to a table, routed and authenticated.
pub(crate) struct Request<'a> {
    pub(crate) ctx: Ctx<'a>,
    pub(crate) method: &'a Method,
    pub(crate) sid: Option<Uuid>,
    pub(crate) query: Option<&'a str>,
    pub(crate) body: &'a [u8],
    pub(crate) path: &'a str,
}

/// The table of resource `R`.
pub(crate) struct TableOf<R>(PhantomData<fn() -> R>);

impl<R> TableOf<R> {
    pub(crate) const NEW: Self = Self(PhantomData);
}

impl<R: Emulated> Table for TableOf<R> {
    fn meta(&self) -> &'static ResourceMeta {
        R::meta()
    }

    fn handle(&self, request: Request<'_>, tables: &mut Tables) -> Result<Response, Refusal> {
        let meta = R::meta();
        let Request {
            ctx,
            method,
            sid,
            query,
            body,
            path,
        } = request;
        match (sid, method) {
            (None, &Method::GET) if meta.list.is_some() => list::<R>(tables, &ctx, query),
            (None, &Method::POST) if meta.create.is_some() => {
                let form = read_form::<R::Create>(body, meta.create.unwrap_or_default(), true)?;
                let row = R::create(&ctx, form)?;
                let rendered = render(&row);
                tables.rows_mut::<R>().insert(ctx.sid, row);
                Ok(ok(StatusCode::CREATED, rendered))
            }
            (Some(sid), &Method::GET) if meta.fetch => tables
                .rows::<R>()
                .and_then(|rows| rows.get(&sid))
                .map(|row| ok(StatusCode::OK, render(row)))
                .ok_or_else(|| Refusal::not_found(path)),
            (Some(sid), &Method::POST) if meta.update.is_some() => {
                let row = tables
                    .rows_mut::<R>()
                    .get_mut(&sid)
                    .ok_or_else(|| Refusal::not_found(path))?;
                let form = read_form::<R::Update>(body, meta.update.unwrap_or_default(), false)?;
                row.update(&ctx, form)?;
                Ok(ok(StatusCode::OK, render(row)))
            }
            (Some(sid), &Method::DELETE) if meta.remove => {
                let rows = tables.rows_mut::<R>();
                rows.get(&sid)
                    .ok_or_else(|| Refusal::not_found(path))?
                    .removable()?;
                rows.remove(&sid);
                Ok(StatusCode::NO_CONTENT.into_response())
            }
            _ => Err(not_allowed(meta, sid.is_some(), method, path)),
        }
    }
}

/// The methods a table's collection or row answers.
fn allowed(meta: &ResourceMeta, row: bool) -> Vec<&'static str> {
    let mut methods = Vec::new();
    if row {
        meta.fetch.then(|| methods.push("GET"));
        meta.update.is_some().then(|| methods.push("POST"));
        meta.remove.then(|| methods.push("DELETE"));
    } else {
        meta.list.is_some().then(|| methods.push("GET"));
        meta.create.is_some().then(|| methods.push("POST"));
    }
    methods
}

/// 405 with the methods that are answered, which the router puts in `Allow`.
fn not_allowed(meta: &ResourceMeta, row: bool, method: &Method, path: &str) -> Refusal {
    let allow = allowed(meta, row).join(", ");
    let mut refusal = Refusal::new(
        405,
        20004,
        format!("Method {method} is not allowed on {path}; use {allow}"),
    );
    refusal.allow = Some(allow);
    refusal
}

fn render<R: Serialize>(row: &R) -> Value {
    serde_json::to_value(row).unwrap_or_default()
}

/// Checks a form's URLs, methods and required fields, then reads it into the spec's request
/// type. Methods and booleans are taken in any case, as the emulator's other forms take them.
fn read_form<F: DeserializeOwned>(
    body: &[u8],
    fields: &[FieldMeta],
    create: bool,
) -> Result<F, Refusal> {
    let mut given = pairs(body)?;
    for field in fields {
        let value = given
            .iter_mut()
            .find(|(k, _)| k == field.wire)
            .map(|(_, v)| v);
        match (value, field.kind) {
            (Some(url), FieldKind::Url) => {
                callback_url(field.wire, url)?;
            }
            (Some(method), FieldKind::Method) => *method = callback_method(field.wire, method)?,
            (Some(flag), FieldKind::Bool) => *flag = boolean(field.wire, flag)?.to_string(),
            (None, _) if create && field.required => {
                return Err(Refusal::bad(format!("{} is required", field.wire)));
            }
            _ => {}
        }
        if let Some((_, text)) = given.iter().find(|(k, _)| k == field.wire) {
            let n = text.chars().count() as u64;
            if field.min_length.is_some_and(|min| n < min)
                || field.max_length.is_some_and(|max| n > max)
            {
                let chars = |n: u64| match n {
                    1 => "1 character".to_owned(),
                    n => format!("{n} characters"),
                };
                let range = match (field.min_length, field.max_length) {
                    (Some(min), Some(max)) => format!("from {min} to {}", chars(max)),
                    (Some(min), None) => format!("at least {}", chars(min)),
                    (None, Some(max)) => format!("at most {}", chars(max)),
                    (None, None) => unreachable!("one bound was broken"),
                };
                let has = if n == 0 {
                    "is empty".to_owned()
                } else {
                    format!("has {}", chars(n))
                };
                return Err(Refusal::bad(format!(
                    "{} {has}; it must have {range}",
                    field.wire
                )));
            }
        }
    }
    let normalized = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&given)
        .finish();
    serde_urlencoded::from_str(&normalized)
        .map_err(|e| Refusal::bad(format!("Not a valid request: {e}")))
}

/// A page of a table, filtered by the listing's own text filters (each matching the field of
/// the same name exactly).
fn list<R: Emulated>(
    tables: &Tables,
    ctx: &Ctx<'_>,
    query: Option<&str>,
) -> Result<Response, Refusal> {
    let meta = R::meta();
    let filters = meta.list.unwrap_or_default();
    let mut at = Position::default();
    let mut wanted: Vec<(String, String)> = Vec::new();
    for (key, value) in listing_pairs(query)? {
        if filters.iter().any(|f| f.wire == key) {
            wanted.push((snake(&key), value));
        } else if !at.read(&key, &value)? {
            let mut names: Vec<&str> = filters.iter().map(|f| f.wire).collect();
            names.extend(["Page", "PageSize", "PageToken"]);
            return Err(Refusal::bad(format!(
                "Unknown parameter {key:?}: this listing takes {}",
                names.join(", ")
            )));
        }
    }
    let empty = Rows::<R>::default();
    let rows = tables.rows::<R>().unwrap_or(&empty);
    let query_text = super::form::filters_query(
        wanted
            .iter()
            .filter_map(|(field, value)| {
                let wire = filters.iter().find(|f| snake(f.wire) == *field)?.wire;
                Some((wire, value.clone()))
            })
            .collect::<Vec<_>>(),
    );
    let listing = format!("{API_ROOT_PATH}/Accounts/{}/{}", ctx.account, meta.path);
    let body = page(
        &rows.by_order,
        |row| {
            let value = render(row);
            wanted
                .iter()
                .all(|(field, wanted)| value[field].as_str() == Some(wanted.as_str()))
        },
        &at,
        meta.items,
        &listing,
        &query_text,
        render,
    );
    Ok(ok(StatusCode::OK, body))
}

/// `FriendlyName` → `friendly_name`: a wire name as the field the models give it.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The table a path below an account names: `{segment}` or `{segment}/{sid}`.
pub(crate) fn find(segment: &str) -> Option<&'static dyn Table> {
    crate::api::generated::TABLES
        .iter()
        .copied()
        .find(|t| t.meta().path == segment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_become_field_names() {
        assert_eq!(snake("FriendlyName"), "friendly_name");
        assert_eq!(snake("Name"), "name");
    }

    #[test]
    fn rows_keep_their_order_through_removals() {
        let mut rows = Rows::<u32>::default();
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        rows.insert(a, 10);
        rows.insert(b, 20);
        rows.insert(c, 30);
        assert_eq!(rows.remove(&b), Some(20));
        assert_eq!(rows.get(&b), None);
        *rows.get_mut(&c).unwrap() += 1;
        assert_eq!(
            rows.by_order.values().copied().collect::<Vec<_>>(),
            [10, 31]
        );
        assert_eq!(rows.remove(&b), None);
    }
}
