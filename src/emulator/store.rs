//! The emulator's generic store: per-project tables keyed by SID, one for each resource the
//! spec describes (`x-resource`), and the list, create, fetch, update and delete they all
//! answer in one way. A resource writes only what is its own ([`Emulated`]): how a form
//! becomes a new row, what an update changes, what a delete may refuse.
//!
//! What every table does, where SignalWire's documents are silent:
//! - rows are listed in the order they were created, or newest first where SignalWire
//!   documents that ([`Emulated::NEWEST_FIRST`]); a listing's text filter (`FriendlyName`,
//!   `Name`) matches the field of the same name exactly, and an empty one is no filter;
//! - a form is read under its wire names into the spec's request type: an unknown parameter,
//!   a boolean other than `true` or `false`, text outside its length, a URL that is not
//!   absolute `http` or `https`, or a required field left out is 400 with code 10000, and a
//!   method other than `GET` or `POST` 400 with code 21209; an empty URL in an update clears it;
//! - a create answers 201, a fetch and an update 200, a delete 204 and the row is then 404;
//! - a project holds at most [`MAX_ROWS`] rows a resource; a create past that is 422;
//! - a new row's SID is a random version-4 UUID, so that one cannot be guessed from another.

use std::{
    any::{Any, TypeId},
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
    form::{boolean, callback_method, callback_url, listing_pairs},
    paging::{Position, page},
    response::{Refusal, ok},
};
use crate::{
    API_ROOT_PATH,
    api::meta::{Described, FieldKind, FieldMeta, ResourceMeta},
};

/// The most rows of one resource a project holds.
pub(crate) const MAX_ROWS: usize = 10_000;

/// A version-4 UUID from the process's random hasher keys, a counter and the time:
/// unpredictable enough that one SID tells nothing of another, with no dependency to build.
pub(crate) fn random_sid() -> Uuid {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let half = |salt: u64| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(n);
        h.write_u64(salt);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
        );
        h.finish()
    };
    let bits = (u128::from(half(1)) << 64) | u128::from(half(2));
    uuid::Builder::from_random_bytes(bits.to_be_bytes()).into_uuid()
}

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

/// A method as a row keeps it: `GET` or `POST`.
pub(crate) fn method_text(given: crate::CallbackMethod) -> Option<String> {
    Some(match given {
        crate::CallbackMethod::Get => "GET".into(),
        crate::CallbackMethod::Post => "POST".into(),
    })
}

/// An update's text field: given, it replaces the row's value; given empty, it clears it.
pub(crate) fn set_text(slot: &mut Option<String>, given: Option<String>) {
    if let Some(given) = given {
        *slot = (!given.is_empty()).then_some(given);
    }
}

/// An update's method field: given, it replaces the row's.
pub(crate) fn set_method(slot: &mut Option<String>, given: Option<crate::CallbackMethod>) {
    if let Some(given) = given {
        *slot = method_text(given);
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
    /// Whether a new row may join the project's others (a phone number bought twice may
    /// not).
    fn fits_with<'a>(&self, others: impl Iterator<Item = &'a Self>) -> Result<(), Refusal>
    where
        Self: 'a,
    {
        let _ = others;
        Ok(())
    }
    /// Whether a listing's filter on `field` (its name in the rendered row) keeps a row:
    /// by default, when the field's text is exactly the filter's.
    fn matches(field: &str, row: &Value, wanted: &str) -> bool {
        row[field].as_str() == Some(wanted)
    }
    /// Whether a listing shows the newest row first, as SignalWire documents for some.
    const NEWEST_FIRST: bool = false;
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

    /// The rows, in their order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &R> {
        self.by_order.values()
    }

    /// Adds a row after the others, or before them when `newest_first`.
    fn insert(&mut self, sid: Uuid, row: R, newest_first: bool) {
        let order = if newest_first {
            u64::MAX - self.next
        } else {
            self.next
        };
        self.order_of.insert(sid, order);
        self.by_order.insert(order, row);
        self.next += 1;
    }

    fn len(&self) -> usize {
        self.by_order.len()
    }

    fn remove(&mut self, sid: &Uuid) -> Option<R> {
        let order = self.order_of.remove(sid)?;
        self.by_order.remove(&order)
    }
}

/// The tables of one project, one a resource.
#[derive(Default)]
pub(crate) struct Tables {
    tables: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
}

impl std::fmt::Debug for Tables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tables")
            .field("resources", &self.tables.len())
            .finish()
    }
}

impl Tables {
    /// Whether a row of `R` has the SID `sid`.
    pub(crate) fn has<R: Emulated>(&self, sid: &Uuid) -> bool {
        self.rows::<R>()
            .is_some_and(|rows| rows.order_of.contains_key(sid))
    }

    /// A resource's rows, if any were ever made.
    pub(crate) fn rows<R: Emulated>(&self) -> Option<&Rows<R>> {
        self.tables.get(&TypeId::of::<R>())?.downcast_ref()
    }

    pub(crate) fn rows_mut<R: Emulated>(&mut self) -> &mut Rows<R> {
        let rows = self
            .tables
            .entry(TypeId::of::<R>())
            .or_insert_with(|| Box::new(Rows::<R>::default()));
        match rows.downcast_mut::<Rows<R>>() {
            Some(rows) => rows,
            None => unreachable!("the table of a type holds the rows of that type"),
        }
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
                let form = read_form::<R::Create>(body, meta.create.unwrap_or_default(), false)?;
                let rendered = add(tables, &ctx, |ctx| R::create(ctx, form))?;
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
                let form = read_form::<R::Update>(body, meta.update.unwrap_or_default(), true)?;
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

/// Adds the row `make` makes to its table, if the table has room and the row fits with
/// the others: the row as the API shows it.
pub(crate) fn add<R: Emulated>(
    tables: &mut Tables,
    ctx: &Ctx<'_>,
    make: impl FnOnce(&Ctx<'_>) -> Result<R, Refusal>,
) -> Result<Value, Refusal> {
    let rows = tables.rows_mut::<R>();
    if rows.len() >= MAX_ROWS {
        return Err(Refusal::new(
            422,
            10000,
            format!(
                "The emulator holds at most {MAX_ROWS} {} a project; delete some first",
                R::meta().plural
            ),
        ));
    }
    let row = make(ctx)?;
    row.fits_with(rows.by_order.values())?;
    let rendered = render(&row);
    rows.insert(ctx.sid, row, R::NEWEST_FIRST);
    Ok(rendered)
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

/// Reads a form the spec describes into its type, after the checks of [`read_form`].
pub(crate) fn read<F: crate::api::meta::Form + DeserializeOwned>(
    body: &[u8],
    update: bool,
) -> Result<F, Refusal> {
    let form = read_form(body, F::FIELDS, update)?;
    Ok(form)
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The fields of a form that may be given more than once.
fn repeatable(fields: &[FieldMeta]) -> Vec<&'static str> {
    fields
        .iter()
        .filter(|f| f.kind == FieldKind::Repeated)
        .map(|f| f.wire)
        .collect()
}

/// Refuses a form that breaks one of its groups: none or several of a group of which
/// exactly one is needed, several of one of which at most one may be, none of one of which
/// at least one is needed.
pub(crate) fn read_checked<F: crate::api::meta::Form + DeserializeOwned>(
    body: &[u8],
    update: bool,
) -> Result<F, Refusal> {
    let given = super::form::pairs_repeating(body, &repeatable(F::FIELDS))?;
    use crate::api::meta::Given;
    for (groups, rule) in [
        (F::ONE_OF, Given::Exactly),
        (F::AT_MOST_ONE_OF, Given::AtMost),
        (F::ANY_OF, Given::AtLeast),
    ] {
        for group in groups {
            let set: Vec<bool> = group
                .iter()
                .map(|name| given.iter().any(|(k, v)| k == name && !v.is_empty()))
                .collect();
            crate::api::meta::one_of(group, &set, rule)
                .map_err(|e| Refusal::bad(capitalized(&e.reason)))?;
        }
    }
    read::<F>(body, update)
}

/// Reads a form into one of progenitor's request types (a recording's update), whose own
/// serde rules say what it takes: its enums' values, its required fields.
pub(crate) fn read_spec<F: DeserializeOwned>(body: &[u8]) -> Result<F, Refusal> {
    read_form(body, &[], false)
}

/// Checks a form's URLs, methods, lengths and required fields, then reads it into the
/// spec's request type. Methods and booleans are taken in any case, as the emulator's other
/// forms take them; in an update, an empty URL clears it.
fn read_form<F: DeserializeOwned>(
    body: &[u8],
    fields: &[FieldMeta],
    update: bool,
) -> Result<F, Refusal> {
    let mut given = super::form::pairs_repeating(body, &repeatable(fields))?;
    for field in fields {
        let value = given
            .iter_mut()
            .find(|(k, _)| k == field.wire)
            .map(|(_, v)| v);
        match (value, field.kind) {
            (Some(url), FieldKind::Url) if update && url.is_empty() => {}
            (Some(url), FieldKind::Url) => {
                callback_url(field.wire, url)?;
            }
            (Some(method), FieldKind::Method) => *method = callback_method(field.wire, method)?,
            (Some(flag), FieldKind::Bool) => *flag = boolean(field.wire, flag)?.to_string(),
            (Some(number), FieldKind::Int) => {
                let n: Option<u64> = number.trim().parse().ok();
                let (min, max) = field.range.unwrap_or((0, u64::from(u32::MAX)));
                match n {
                    Some(n) if (min..=max).contains(&n) => *number = n.to_string(),
                    _ => {
                        return Err(Refusal::bad(format!(
                            "{} must be a whole number from {min} to {max}",
                            field.wire
                        )));
                    }
                }
            }
            (None, _) if field.required => {
                return Err(Refusal::bad(format!("{} is required", field.wire)));
            }
            _ => {}
        }
        if let (Some(check), Some((_, text))) =
            (field.check, given.iter().find(|(k, _)| k == field.wire))
        {
            check(text).map_err(|why| Refusal::bad(format!("{} {why}", field.wire)))?;
        }
        if !field.values.is_empty() {
            for (_, value) in given.iter().filter(|(k, _)| k == field.wire) {
                let each: Vec<&str> = if field.kind == FieldKind::Repeated {
                    value.split_whitespace().collect()
                } else {
                    vec![value.as_str()]
                };
                if let Some(bad) = each.iter().find(|v| !field.values.contains(v)) {
                    return Err(Refusal::bad(format!(
                        "{} must be one of {}, not {bad:?}",
                        field.wire,
                        field.values.join(", ")
                    )));
                }
            }
        }
        if field.kind == FieldKind::Repeated {
            // Given once for each value, or once with the values space-separated: read
            // as one space-separated value.
            let values: Vec<String> = given
                .iter()
                .filter(|(k, _)| k == field.wire)
                .map(|(_, v)| v.clone())
                .collect();
            if !values.is_empty() {
                given.retain(|(k, _)| k != field.wire);
                given.push((field.wire.to_owned(), values.join(" ")));
            }
        }
        if let Some((_, text)) = given.iter().find(|(k, _)| k == field.wire) {
            let n = text.chars().count() as u64;
            if field.min_length.is_some_and(|min| n < min)
                || field.max_length.is_some_and(|max| n > max)
            {
                let chars = crate::api::meta::chars;
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
    let mut wanted: Vec<(&'static str, String)> = Vec::new();
    let text: Vec<&str> = filters
        .iter()
        .filter(|f| f.kind != FieldKind::Bool)
        .map(|f| f.wire)
        .collect();
    for (key, value) in listing_pairs(query, &text)? {
        if let Some(filter) = filters.iter().find(|f| f.wire == key) {
            wanted.push((filter.field, value));
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
                let wire = filters.iter().find(|f| f.field == *field)?.wire;
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
                .all(|(field, wanted)| R::matches(field, &value, wanted))
        },
        &at,
        meta.items,
        &listing,
        &query_text,
        render,
    );
    Ok(ok(StatusCode::OK, body))
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
    fn random_sids_are_version_4_and_differ() {
        let (a, b) = (random_sid(), random_sid());
        assert_ne!(a, b);
        assert_eq!(a.get_version_num(), 4);
        assert_eq!(a.get_variant(), uuid::Variant::RFC4122);
    }

    #[test]
    fn rows_keep_their_order_through_removals() {
        let mut rows = Rows::<u32>::default();
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        rows.insert(a, 10, false);
        rows.insert(b, 20, false);
        rows.insert(c, 30, false);
        assert_eq!(rows.remove(&b), Some(20));
        assert_eq!(rows.get(&b), None);
        *rows.get_mut(&c).unwrap() += 1;
        assert_eq!(
            rows.by_order.values().copied().collect::<Vec<_>>(),
            [10, 31]
        );
        assert_eq!(rows.remove(&b), None);

        let mut newest = Rows::<u32>::default();
        newest.insert(a, 1, true);
        newest.insert(b, 2, true);
        assert_eq!(
            newest.by_order.values().copied().collect::<Vec<_>>(),
            [2, 1]
        );
    }
}
