//! Holds `openapi/compatibility.yaml` against SignalWire's published OpenAPI document.
//!
//! Every difference for the operations this crate has is listed: parameters, required-ness,
//! enum values, request and response fields and their types, documented statuses. Each must be
//! recorded in `openapi/deviations.yaml` with its reason, and each recorded one must still be
//! a difference; anything else fails. The operations not covered yet are counted (`N of 79`).
//!
//! SignalWire's document is read from `SIGNALWIRE_SPEC`, or from
//! `../shared/reference/signalwire/compatibility-openapi-3.1.yaml` beside the checkout. When
//! neither exists the check is skipped with a message, except where `CI=true`, where it fails.
//!
//! ```sh
//! SIGNALWIRE_SPEC=path/to/compatibility-openapi.yaml cargo test --test spec_drift -- --nocapture
//! ```
//!
//! Rules that hold for every response, and so are not listed one by one:
//! - A response field SignalWire marks required may be optional here: the client is lenient
//!   in what it accepts. The reverse (a field required here that SignalWire may leave out)
//!   is a difference.
//! - A response field may be nullable here where SignalWire's is not; the reverse is a
//!   difference.
//! - A response's enum may be left open here (any text accepted); an enum here that
//!   SignalWire's values do not fit is a difference.
//! - Formats and patterns are not compared; kinds (string, integer, number, boolean, array,
//!   object) are.

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt::Write as _,
    path::{Path, PathBuf},
};

use serde::Deserialize;
use serde_json::Value;

const OURS: &str = "openapi/compatibility.yaml";
const DEVIATIONS: &str = "openapi/deviations.yaml";
const THEIRS_BESIDE: &str = "../shared/reference/signalwire/compatibility-openapi-3.1.yaml";
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn load(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// One operation of a document, found by method and path with its parameter names erased.
struct Operation<'a> {
    id: String,
    method: &'static str,
    path: String,
    path_item: &'a Value,
    op: &'a Value,
}

fn operations(doc: &Value) -> BTreeMap<String, Operation<'_>> {
    let mut out = BTreeMap::new();
    let Some(paths) = doc["paths"].as_object() else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let key = format!("{} {}", method.to_uppercase(), shape_of_path(path));
                let id = op["operationId"].as_str().unwrap_or("?").to_owned();
                out.insert(
                    key,
                    Operation {
                        id,
                        method,
                        path: path.clone(),
                        path_item: item,
                        op,
                    },
                );
            }
        }
    }
    out
}

/// `/Accounts/{AccountSid}/Calls/{Sid}` → `/Accounts/{}/Calls/{}`.
fn shape_of_path(path: &str) -> String {
    let mut out = String::new();
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                out.push_str("{}");
            }
            '}' => in_braces = false,
            _ if in_braces => {}
            _ => out.push(c),
        }
    }
    out
}

/// Follows `$ref`s within the document.
fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return value;
        };
        let pointer = reference.strip_prefix('#').unwrap_or(reference);
        value = doc
            .pointer(pointer)
            .unwrap_or_else(|| panic!("unresolved reference {reference}"));
    }
    panic!("a reference loop")
}

fn ref_name(value: &Value) -> Option<&str> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
}

/// What one schema says, with `allOf`, `anyOf`/`oneOf` of a type and null, 3.1's type lists
/// and 3.0's `nullable` flattened.
#[derive(Default, Debug)]
struct Shape<'a> {
    /// The first schema name met on the way (`Recording`), for schema-level differences.
    name: Option<String>,
    kinds: BTreeSet<String>,
    nullable: bool,
    values: Option<BTreeSet<String>>,
    properties: BTreeMap<String, &'a Value>,
    required: BTreeSet<String>,
    items: Option<&'a Value>,
    min_length: Option<u64>,
    max_length: Option<u64>,
}

fn shape<'a>(doc: &'a Value, schema: &'a Value) -> Shape<'a> {
    let mut out = Shape::default();
    absorb(doc, schema, &mut out, 0);
    out
}

fn absorb<'a>(doc: &'a Value, schema: &'a Value, out: &mut Shape<'a>, depth: usize) {
    assert!(depth < 32, "a schema nested too deeply");
    if out.name.is_none() {
        out.name = ref_name(schema).map(str::to_owned);
    }
    let schema = resolve(doc, schema);
    match schema.get("type") {
        Some(Value::String(kind)) if kind == "null" => out.nullable = true,
        Some(Value::String(kind)) => {
            out.kinds.insert(kind.clone());
        }
        Some(Value::Array(kinds)) => {
            for kind in kinds.iter().filter_map(Value::as_str) {
                if kind == "null" {
                    out.nullable = true;
                } else {
                    out.kinds.insert(kind.to_owned());
                }
            }
        }
        _ => {}
    }
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        out.nullable = true;
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let set = out.values.get_or_insert_with(BTreeSet::new);
        for value in values {
            match value {
                Value::Null => out.nullable = true,
                Value::String(s) => {
                    set.insert(s.clone());
                }
                other => {
                    set.insert(other.to_string());
                }
            }
        }
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            out.properties.insert(name.clone(), property);
        }
    }
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        out.required
            .extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(items) = schema.get("items") {
        out.items = Some(items);
    }
    if let Some(n) = schema.get("minLength").and_then(Value::as_u64) {
        out.min_length = Some(n);
    }
    if let Some(n) = schema.get("maxLength").and_then(Value::as_u64) {
        out.max_length = Some(n);
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            absorb(doc, part, out, depth + 1);
        }
    }
    // Alternatives: a value may be any of them, so the values are listed only when every
    // alternative that is not null lists its own.
    for key in ["anyOf", "oneOf"] {
        let Some(parts) = schema.get(key).and_then(Value::as_array) else {
            continue;
        };
        let mut open = false;
        for part in parts {
            let mut alternative = Shape::default();
            absorb(doc, part, &mut alternative, depth + 1);
            let only_null = alternative.kinds.is_empty() && alternative.nullable;
            out.nullable |= alternative.nullable;
            out.kinds.extend(alternative.kinds);
            out.properties.extend(alternative.properties);
            out.required.extend(alternative.required);
            out.items = out.items.or(alternative.items);
            if out.name.is_none() {
                out.name = alternative.name;
            }
            match alternative.values {
                Some(values) => out.values.get_or_insert_with(BTreeSet::new).extend(values),
                None if !only_null => open = true,
                None => {}
            }
        }
        if open {
            out.values = None;
        }
    }
}

fn kinds(shape: &Shape<'_>) -> String {
    if shape.kinds.is_empty() {
        "any".into()
    } else {
        shape.kinds.iter().cloned().collect::<Vec<_>>().join("|")
    }
}

fn listed(values: &BTreeSet<String>) -> String {
    format!(
        "[{}]",
        values.iter().cloned().collect::<Vec<_>>().join(", ")
    )
}

/// A parameter or form field as one side describes it.
struct Field<'a> {
    required: bool,
    shape: Shape<'a>,
}

/// An operation's query parameters; an exploded object parameter counts as its properties.
fn query_parameters<'a>(doc: &'a Value, op: &Operation<'a>) -> BTreeMap<String, Field<'a>> {
    let mut out = BTreeMap::new();
    let lists = [op.path_item.get("parameters"), op.op.get("parameters")];
    for parameter in lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        let parameter = resolve(doc, parameter);
        if parameter["in"] != "query" {
            continue;
        }
        let name = parameter["name"].as_str().unwrap_or("?").to_owned();
        let required = parameter["required"].as_bool().unwrap_or(false);
        let schema = shape(doc, &parameter["schema"]);
        let exploded = parameter.get("explode").and_then(Value::as_bool) == Some(true);
        if exploded && schema.kinds.contains("object") {
            for (name, property) in &schema.properties {
                out.insert(
                    name.clone(),
                    Field {
                        required: schema.required.contains(name),
                        shape: shape(doc, property),
                    },
                );
            }
        } else {
            out.insert(
                name,
                Field {
                    required,
                    shape: schema,
                },
            );
        }
    }
    out
}

/// An operation's form fields, or `None` when it takes no body.
fn form_fields<'a>(doc: &'a Value, op: &Operation<'a>) -> Option<BTreeMap<String, Field<'a>>> {
    let body = resolve(doc, op.op.get("requestBody")?);
    let content = body.get("content")?.as_object()?;
    let (_, media) = content.iter().next()?;
    let schema = shape(doc, &media["schema"]);
    Some(
        schema
            .properties
            .iter()
            .map(|(name, property)| {
                let field = Field {
                    required: schema.required.contains(name),
                    shape: shape(doc, property),
                };
                (name.clone(), field)
            })
            .collect(),
    )
}

/// The statuses an operation documents, and the schema of its success.
fn responses<'a>(doc: &'a Value, op: &Operation<'a>) -> (BTreeSet<String>, Option<&'a Value>) {
    let mut codes = BTreeSet::new();
    let mut success = None;
    if let Some(map) = op.op.get("responses").and_then(Value::as_object) {
        for (code, response) in map {
            codes.insert(code.clone());
            if code.starts_with('2') && success.is_none() {
                let response = resolve(doc, response);
                success = response
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.values().next())
                    .map(|media| &media["schema"]);
            }
        }
    }
    (codes, success)
}

/// Where the differences are written as they are found.
#[derive(Default)]
struct Findings {
    lines: BTreeSet<String>,
}

impl Findings {
    fn add(&mut self, line: String) {
        self.lines.insert(line);
    }
}

fn compare_request_field(
    findings: &mut Findings,
    place: &str,
    ours: Option<&Field<'_>>,
    theirs: Option<&Field<'_>>,
) {
    let (ours, theirs) = match (ours, theirs) {
        (Some(o), Some(t)) => (o, t),
        (Some(_), None) => return findings.add(format!("{place}: only in ours")),
        (None, Some(_)) => return findings.add(format!("{place}: only in theirs")),
        (None, None) => return,
    };
    if ours.required != theirs.required {
        let (a, b) = if ours.required {
            ("required", "optional")
        } else {
            ("optional", "required")
        };
        findings.add(format!("{place}: {a} in ours, {b} in theirs"));
    }
    let (a, b) = (kinds(&ours.shape), kinds(&theirs.shape));
    if a != b {
        findings.add(format!("{place}: type {a} in ours, {b} in theirs"));
    }
    let bound = |n: Option<u64>, word: &str, none: &str| match n {
        Some(1) => format!("{word} 1 character"),
        Some(n) => format!("{word} {n} characters"),
        None => none.to_owned(),
    };
    for (a, b, word, none) in [
        (
            ours.shape.min_length,
            theirs.shape.min_length,
            "at least",
            "no lower bound",
        ),
        (
            ours.shape.max_length,
            theirs.shape.max_length,
            "at most",
            "no upper bound",
        ),
    ] {
        if a != b {
            findings.add(format!(
                "{place}: {} in ours, {} in theirs",
                bound(a, word, none),
                bound(b, word, none)
            ));
        }
    }
    match (&ours.shape.values, &theirs.shape.values) {
        (Some(a), Some(b)) if a != b => findings.add(format!(
            "{place}: values {} in ours, {} in theirs",
            listed(a),
            listed(b)
        )),
        (Some(a), None) => findings.add(format!(
            "{place}: values {} in ours, any in theirs",
            listed(a)
        )),
        (None, Some(b)) => findings.add(format!(
            "{place}: any value in ours, {} in theirs",
            listed(b)
        )),
        _ => {}
    }
}

/// Compares two response schemas field by field, keyed by our schema's name so that a
/// model met by several operations is reported once.
fn compare_response(
    findings: &mut Findings,
    (our_doc, ours): (&Value, &Value),
    (their_doc, theirs): (&Value, &Value),
    place: String,
    depth: usize,
) {
    if depth > 6 {
        return;
    }
    let ours = shape(our_doc, ours);
    let theirs = shape(their_doc, theirs);
    let place = ours.name.clone().unwrap_or(place);
    let (a, b) = (kinds(&ours), kinds(&theirs));
    if a != b && !(a == "any" || b == "any") {
        findings.add(format!("{place}: type {a} in ours, {b} in theirs"));
        return;
    }
    if theirs.nullable && !ours.nullable && depth > 0 {
        findings.add(format!("{place}: nullable in theirs, not in ours"));
    }
    if let Some(values) = &ours.values {
        match &theirs.values {
            Some(t) if t.is_subset(values) => {}
            Some(t) => findings.add(format!(
                "{place}: values {} in ours, {} in theirs",
                listed(values),
                listed(t)
            )),
            None => findings.add(format!(
                "{place}: values {} in ours, any in theirs",
                listed(values)
            )),
        }
    }
    if let (Some(o), Some(t)) = (ours.items, theirs.items) {
        compare_response(
            findings,
            (our_doc, o),
            (their_doc, t),
            format!("{place}[]"),
            depth + 1,
        );
    }
    let names: BTreeSet<&String> = ours
        .properties
        .keys()
        .chain(theirs.properties.keys())
        .collect();
    for name in names {
        let field = format!("{place}.{name}");
        match (ours.properties.get(name), theirs.properties.get(name)) {
            (Some(_), None) => findings.add(format!("{field}: only in ours")),
            (None, Some(_)) => findings.add(format!("{field}: only in theirs")),
            (Some(o), Some(t)) => {
                if ours.required.contains(name) && !theirs.required.contains(name) {
                    findings.add(format!("{field}: required in ours, optional in theirs"));
                }
                compare_response(findings, (our_doc, o), (their_doc, t), field, depth + 1);
            }
            (None, None) => {}
        }
    }
}

fn compare(ours: &Value, theirs: &Value) -> (Findings, Vec<String>, usize) {
    let our_ops = operations(ours);
    let their_ops = operations(theirs);
    let mut findings = Findings::default();
    let mut missing = Vec::new();
    for (key, their) in &their_ops {
        let Some(our) = our_ops.get(key) else {
            missing.push(format!("{key} ({})", their.id));
            continue;
        };
        let at = format!("{} ({})", our.id, their.id);

        let oq = query_parameters(ours, our);
        let tq = query_parameters(theirs, their);
        for name in oq.keys().chain(tq.keys()).collect::<BTreeSet<_>>() {
            compare_request_field(
                &mut findings,
                &format!("{at}: query {name}"),
                oq.get(name),
                tq.get(name),
            );
        }

        match (form_fields(ours, our), form_fields(theirs, their)) {
            (Some(of), Some(tf)) => {
                for name in of.keys().chain(tf.keys()).collect::<BTreeSet<_>>() {
                    compare_request_field(
                        &mut findings,
                        &format!("{at}: form {name}"),
                        of.get(name),
                        tf.get(name),
                    );
                }
            }
            (Some(_), None) => findings.add(format!("{at}: a request body only in ours")),
            (None, Some(_)) => findings.add(format!("{at}: a request body only in theirs")),
            (None, None) => {}
        }

        let (our_codes, our_success) = responses(ours, our);
        let (their_codes, their_success) = responses(theirs, their);
        for code in our_codes.symmetric_difference(&their_codes) {
            let side = if our_codes.contains(code) {
                "ours"
            } else {
                "theirs"
            };
            findings.add(format!("{at}: status {code} only in {side}"));
        }
        match (our_success, their_success) {
            (Some(o), Some(t)) => compare_response(
                &mut findings,
                (ours, o),
                (theirs, t),
                format!("{at}: response"),
                0,
            ),
            (None, Some(_)) => findings.add(format!("{at}: a response body only in theirs")),
            (Some(_), None) => findings.add(format!("{at}: a response body only in ours")),
            (None, None) => {}
        }
    }
    for (key, our) in &our_ops {
        if !their_ops.contains_key(key) {
            findings.add(format!(
                "{}: {} {} is not in theirs",
                our.id,
                our.method.to_uppercase(),
                our.path
            ));
        }
    }
    (findings, missing, their_ops.len())
}

#[derive(Deserialize)]
struct Deviation {
    difference: String,
    why: String,
}

fn recorded(root: &Path) -> Vec<Deviation> {
    let text = std::fs::read_to_string(root.join(DEVIATIONS))
        .unwrap_or_else(|e| panic!("reading {DEVIATIONS}: {e}"));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("parsing {DEVIATIONS}: {e}"))
}

fn their_spec(root: &Path) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SIGNALWIRE_SPEC") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "SIGNALWIRE_SPEC names {}, which is not a file",
            path.display()
        );
        return Some(path);
    }
    let beside = root.join(THEIRS_BESIDE);
    beside.is_file().then_some(beside)
}

#[test]
fn our_spec_differs_from_signalwires_only_where_recorded() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(theirs_path) = their_spec(root) else {
        let message = format!(
            "skipped: SignalWire's spec is not at {THEIRS_BESIDE} and SIGNALWIRE_SPEC is not set"
        );
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        eprintln!("{message}");
        return;
    };
    let ours = load(&root.join(OURS));
    let theirs = load(&theirs_path);
    let (findings, missing, total) = compare(&ours, &theirs);
    let deviations = recorded(root);

    let mut report = String::new();
    let covered = total - missing.len();
    writeln!(report, "{covered} of {total} operations").unwrap();
    for operation in &missing {
        writeln!(report, "  not yet: {operation}").unwrap();
    }

    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for deviation in &deviations {
        if deviation.why.trim().is_empty() {
            problems.push(format!(
                "recorded without a reason: {}",
                deviation.difference
            ));
        }
        if !seen.insert(deviation.difference.as_str()) {
            problems.push(format!("recorded twice: {}", deviation.difference));
        }
        if !findings.lines.contains(&deviation.difference) {
            problems.push(format!(
                "recorded but no longer a difference: {}",
                deviation.difference
            ));
        }
    }
    for line in &findings.lines {
        if !seen.contains(line.as_str()) {
            problems.push(format!("not recorded: {line}"));
        }
    }
    writeln!(
        report,
        "{} differences, {} recorded",
        findings.lines.len(),
        deviations.len()
    )
    .unwrap();
    eprintln!("{report}");
    assert!(
        problems.is_empty(),
        "{} problems between {OURS} and {}; record each intended difference in {DEVIATIONS} \
         with its reason, or fix the spec:\n  {}",
        problems.len(),
        theirs_path.display(),
        problems.join("\n  ")
    );
}

#[test]
fn alternatives_list_values_only_when_each_does() {
    let doc: Value = serde_yaml_ng::from_str(
        r#"
open: {anyOf: [{type: string, format: date}, {type: string, enum: [""]}]}
closed: {anyOf: [{type: string, enum: [a]}, {type: string, enum: [b]}, {type: "null"}]}
"#,
    )
    .unwrap();
    let open = shape(&doc, &doc["open"]);
    assert_eq!((kinds(&open), open.values), ("string".to_owned(), None));
    let closed = shape(&doc, &doc["closed"]);
    assert!(closed.nullable);
    assert_eq!(
        closed.values.unwrap().into_iter().collect::<Vec<_>>(),
        ["a", "b"]
    );
}

#[test]
fn path_shapes_ignore_parameter_names() {
    assert_eq!(
        shape_of_path("/Accounts/{AccountSid}/Calls/{Sid}"),
        "/Accounts/{}/Calls/{}"
    );
    assert_eq!(shape_of_path("/Accounts"), "/Accounts");
}

#[test]
fn a_difference_in_each_place_is_found() {
    let theirs: Value = serde_yaml_ng::from_str(
        r##"
paths:
  /A/{Id}:
    post:
      operationId: change_a
      parameters:
        - {name: Q, in: query, schema: {type: string, enum: [x, y]}}
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [Must]
              properties:
                Must: {type: string, maxLength: 64}
                Count: {type: integer}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/A"}
        "404": {description: no}
  /B:
    get:
      operationId: list_b
      responses: {"200": {description: ok}}
components:
  schemas:
    A:
      type: object
      required: [sid]
      properties:
        sid: {type: string}
        when: {anyOf: [{type: string}, {type: "null"}]}
        gone: {type: string}
"##,
    )
    .unwrap();
    let ours: Value = serde_yaml_ng::from_str(
        r##"
paths:
  /A/{Sid}:
    post:
      operationId: update_a
      parameters:
        - {name: Q, in: query, schema: {type: string, enum: [x]}}
        - {name: Extra, in: query, schema: {type: string}}
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                Must: {type: string}
                Count: {type: string}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      required: [sid, when]
      properties:
        sid: {type: string}
        when: {type: string}
"##,
    )
    .unwrap();
    let (findings, missing, total) = compare(&ours, &theirs);
    assert_eq!(total, 2);
    assert_eq!(missing, ["GET /B (list_b)"]);
    let lines: Vec<&str> = findings.lines.iter().map(String::as_str).collect();
    assert_eq!(
        lines,
        [
            "Thing.gone: only in theirs",
            "Thing.when: nullable in theirs, not in ours",
            "Thing.when: required in ours, optional in theirs",
            "update_a (change_a): form Count: type string in ours, integer in theirs",
            "update_a (change_a): form Must: no upper bound in ours, at most 64 characters in theirs",
            "update_a (change_a): form Must: optional in ours, required in theirs",
            "update_a (change_a): query Extra: only in ours",
            "update_a (change_a): query Q: values [x] in ours, [x, y] in theirs",
            "update_a (change_a): status 404 only in theirs",
        ]
    );
}
