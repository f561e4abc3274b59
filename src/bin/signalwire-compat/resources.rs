//! The commands of every resource the spec describes (`conferences`, `participants`,
//! `applications`, …): the generic `list`, `get`, `create`, `update` and `remove`, made from
//! the library's table of them, and beside them the subcommands a resource has of its own.
//! Flags are the API's parameters in kebab case (`--friendly-name`, `--voice-url`); table
//! columns are the model's fields. The requests go through the library's typed builders, so
//! every check they make is made here too.

use std::io::Write as _;

use clap::{
    Arg, ArgAction, ArgMatches, Command,
    builder::{PossibleValuesParser, TypedValueParser as _},
};
use futures_util::TryStreamExt as _;
use serde_json::Value;
use signalwire_compat::{
    __private::{Described, FieldKind, FieldMeta, Paging, RESOURCES, ResourceMeta},
    Client,
};

use crate::{Context, Failure, args::Output, output};

/// The resource a command line names, if it is one of the generic ones.
pub(crate) fn find(name: &str) -> Option<&'static ResourceMeta> {
    RESOURCES.iter().copied().find(|m| m.command == name)
}

/// A subcommand for each resource the spec describes, in the order of their names.
pub(crate) fn commands() -> impl Iterator<Item = Command> {
    let mut all: Vec<&'static ResourceMeta> = RESOURCES.to_vec();
    all.sort_by_key(|m| m.command);
    all.into_iter().map(command)
}

/// What a conference is named by on the command line: its SID, or a name.
const CONFERENCE_HELP: &str =
    "The conference: its SID, or the name of the one conference in progress by that name";

fn sid_arg(meta: &ResourceMeta) -> Arg {
    let arg = Arg::new("sid").required(true);
    if meta.what == "conference" {
        return arg.value_name("CONFERENCE").help(CONFERENCE_HELP);
    }
    let arg = arg.value_name(leak(format!("{}_SID", meta.item.to_uppercase())));
    if meta.item == meta.what {
        arg.help(format!("The {}'s SID", meta.what))
    } else {
        arg.help(format!("The {} SID of the {}", meta.item, meta.what))
    }
}

/// The flag that names the resource a nested one is reached through (`--conference`).
fn parent_arg(parent: &str) -> Arg {
    let flag = leak(parent.replace(' ', "-"));
    let arg = Arg::new("parent").long(flag).required(true);
    if parent == "conference" {
        arg.value_name("CONFERENCE").help(CONFERENCE_HELP)
    } else {
        arg.value_name(leak(format!("{}_SID", flag.to_uppercase())))
            .help(format!("The {parent}'s SID"))
    }
}

/// The command line is built once a run: a name made for it lives as long as it.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Whose the resources are, in words: `the account`, or `a conference`.
fn owner(meta: &ResourceMeta) -> String {
    meta.parent.map_or_else(
        || "the account".to_owned(),
        |p| format!("{} {p}", article(p)),
    )
}

fn command(meta: &'static ResourceMeta) -> Command {
    let mut actions = Vec::new();
    let mut cmd = Command::new(meta.command).subcommand_required(true);
    let generic = |name: &str| !own::has(meta, name);
    let with_parent = |command: Command| match meta.parent {
        Some(parent) => command.arg(parent_arg(parent)),
        None => command,
    };
    if let Some(filters) = meta.list.filter(|_| generic("list")) {
        actions.push("list");
        cmd = cmd.subcommand(
            with_parent(Command::new("list"))
                .about(format!(
                    "List the {} of {}, following every page unless limited",
                    meta.plural,
                    owner(meta)
                ))
                .args(filters.iter().map(|f| flag(f, false)))
                .arg(
                    Arg::new("page-size")
                        .long("page-size")
                        .value_name("N")
                        .help("Items a page, 1 to 1000")
                        .value_parser(clap::value_parser!(u32).range(1..=1000)),
                )
                .arg(
                    Arg::new("limit")
                        .long("limit")
                        .value_name("N")
                        .help("Stop after this many items")
                        .value_parser(clap::value_parser!(usize)),
                )
                .arg(
                    Arg::new("max-pages")
                        .long("max-pages")
                        .value_name("N")
                        .help("Fail rather than read more than this many pages (a guard against a server that never stops naming a next page)")
                        .default_value("1000")
                        .value_parser(clap::value_parser!(u32).range(1..)),
                ),
        );
    }
    if meta.fetch && generic("get") {
        actions.push("inspect");
        cmd = cmd.subcommand(
            with_parent(Command::new("get"))
                .about(format!("Show one {}", meta.what))
                .arg(sid_arg(meta)),
        );
    }
    if let Some(fields) = meta.create.filter(|_| generic("create")) {
        actions.push("create");
        let mut create = with_parent(aliased(meta, "create"))
            .about(format!("Create {} {}", article(meta.what), meta.what))
            .args(fields.iter().map(|f| flag(f, true)));
        if meta.command == "calls" {
            create = create.arg(follow_arg());
        }
        cmd = cmd.subcommand(create);
    }
    if let Some(fields) = meta.update.filter(|_| generic("update")) {
        actions.push("change");
        cmd = cmd.subcommand(
            with_parent(Command::new("update"))
                .about(format!(
                    "Change {} {}: the fields given, leaving the others as they are",
                    article(meta.what),
                    meta.what
                ))
                .arg(sid_arg(meta))
                .args(fields.iter().map(|f| flag(f, false))),
        );
    }
    if meta.remove && generic("remove") {
        actions.push("remove");
        cmd = cmd.subcommand(
            with_parent(aliased(meta, "remove"))
                .about(format!("Delete {} {}", article(meta.what), meta.what))
                .arg(sid_arg(meta)),
        );
    }
    actions.extend(own::actions(meta));
    let about = match actions.as_slice() {
        [] => meta.plural.to_owned(),
        [one] => format!("{} the {} of {}", capital(one), meta.plural, owner(meta)),
        [init @ .., last] => format!(
            "{} and {last} the {} of {}",
            capital(&init.join(", ")),
            meta.plural,
            owner(meta)
        ),
    };
    own::augment(meta, cmd.about(about))
}

/// A generic subcommand, with the name the resource's own words give it as well
/// (`messages send`, `numbers buy`, `numbers release`).
fn aliased(meta: &ResourceMeta, action: &'static str) -> Command {
    let alias = match (meta.command, action) {
        ("messages", "create") => Some("send"),
        ("numbers", "create") => Some("buy"),
        ("numbers", "remove") => Some("release"),
        _ => None,
    };
    let command = Command::new(action);
    match alias {
        Some(alias) => command.visible_alias(alias),
        None => command,
    }
}

/// The own subcommands of a call (`log`, `hangup`, `redirect`) and a message (`redact`),
/// beside the generic ones. All but `log` go through the resource's generic update, with
/// its checks.
fn own_commands(meta: &ResourceMeta) -> Vec<Command> {
    let text = |name: &'static str, flag: &'static str, value: &'static str, help: &'static str| {
        Arg::new(name).long(flag).value_name(value).help(help)
    };
    match meta.command {
        "numbers" => vec![
            Command::new("search")
                .about("Search the numbers the account may buy: a country's local ones, or its toll-free ones")
                .arg(
                    text("country", "country", "CODE", "The country, its two-letter ISO code")
                        .default_value("US"),
                )
                .arg(
                    Arg::new("toll-free")
                        .long("toll-free")
                        .action(ArgAction::SetTrue)
                        .help("Toll-free numbers instead of local ones"),
                )
                .arg(text("area-code", "area-code", "DIGITS", "Only numbers of this area code (US and Canada) or toll-free code"))
                .arg(text("contains", "contains", "PATTERN", "Only numbers holding this pattern: digits, letters (their keypad digits) and * for any digit"))
                .arg(text("in-region", "in-region", "REGION", "Only numbers of this state or province (two letters)"))
                .arg(
                    text("in-locality", "in-locality", "CITY", "Only numbers of this city (with --in-region)")
                        .requires("in-region"),
                )
                .arg(
                    Arg::new("beta")
                        .long("beta")
                        .value_name("BOOL")
                        .help("Whether to include numbers new on SignalWire")
                        .value_parser(clap::value_parser!(bool)),
                ),
            Command::new("import")
                .about("Import a number the account owns with another carrier (SignalWire enables this for partners)")
                .arg(
                    Arg::new("number")
                        .value_name("NUMBER")
                        .required(true)
                        .help("The number, in E.164 form (+4915223433332)"),
                )
                .arg(
                    Arg::new("toll-free")
                        .long("toll-free")
                        .action(ArgAction::SetTrue)
                        .help("It is a toll-free number, not a long code"),
                )
                .arg(
                    Arg::new("capability")
                        .long("capability")
                        .value_name("CAPABILITY")
                        .action(ArgAction::Append)
                        .value_parser(["voice", "sms", "mms", "fax"])
                        .help("What it is to do, repeated for each (all four when not given)"),
                ),
        ],
        "messages" => vec![
            Command::new("redact")
                .about("Blank a message's body for good (one still on its way cannot be)")
                .arg(sid_arg(meta)),
        ],
        "calls" => vec![
            Command::new("log")
                .about("Print the emulator's log of a call: every request to its app, verb run, key pressed, callback sent, recording and error, and its end")
                .arg(sid_arg(meta))
                .arg(follow_arg()),
            Command::new("hangup")
                .about("Hang a call up (one not yet answered is cancelled)")
                .arg(sid_arg(meta)),
            Command::new("redirect")
                .about("Send a live call to new cXML at once: a URL to ask, or a document")
                .arg(sid_arg(meta))
                .arg(
                    Arg::new("Url")
                        .long("url")
                        .value_name("URL")
                        .help("Where to ask for the call's new cXML"),
                )
                .arg(
                    Arg::new("Method")
                        .long("method")
                        .value_name("METHOD")
                        .requires("Url")
                        .help("The method of the request to --url [default: POST]")
                        .value_parser(
                            PossibleValuesParser::new(["GET", "POST"]).map(|m| m.to_uppercase()),
                        )
                        .ignore_case(true),
                )
                .arg(
                    Arg::new("Twiml")
                        .long("twiml")
                        .value_name("CXML")
                        .help("The call's new cXML document, given inline"),
                )
                .group(
                    clap::ArgGroup::new("cxml")
                        .args(["Url", "Twiml"])
                        .required(true),
                ),
        ],
        _ => Vec::new(),
    }
}

/// `--follow`: keep printing a call's log as it runs.
fn follow_arg() -> Arg {
    Arg::new("follow")
        .long("follow")
        .action(ArgAction::SetTrue)
        .help("Keep printing the call's log as it runs, until it ends (the emulator's only; JSON as one entry a line)")
}

/// The form of a resource's own subcommand, for its generic update.
fn own_form(meta: &ResourceMeta, action: &str, args: &ArgMatches) -> Option<Vec<(String, String)>> {
    let given = |name: &str| {
        args.get_one::<String>(name)
            .map(|value| (name.to_owned(), value.clone()))
    };
    match (meta.command, action) {
        ("calls", "hangup") => Some(vec![("Status".to_owned(), "completed".to_owned())]),
        ("messages", "redact") => Some(vec![("Body".to_owned(), String::new())]),
        ("calls", "redirect") => Some(
            ["Url", "Method", "Twiml"]
                .into_iter()
                .filter_map(given)
                .collect(),
        ),
        _ => None,
    }
}

fn article(what: &str) -> &'static str {
    if what.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn flag(field: &FieldMeta, create: bool) -> Arg {
    if field.secret {
        // A secret on the command line would show in the process list and shell history.
        return Arg::new(field.wire)
            .long(leak(format!("{}-file", field.flag)))
            .value_name("FILE")
            .help(format!(
                "{} Read from this file, or from standard input with -",
                field.help.replace('`', "")
            ))
            .action(ArgAction::Set)
            .value_parser(clap::value_parser!(std::path::PathBuf))
            .required(create && field.required);
    }
    let mut arg = Arg::new(field.wire)
        .long(field.flag)
        .help(field.help.replace('`', ""))
        .action(ArgAction::Set)
        .required(create && field.required);
    // A SID's flag also goes without its `-sid` (`--application` for `--application-sid`).
    if let Some(short) = field.flag.strip_suffix("-sid") {
        arg = arg.visible_alias(short);
    }
    if !field.values.is_empty() {
        let arg = arg
            .value_name("VALUE")
            .value_parser(PossibleValuesParser::new(field.values));
        return match field.kind {
            FieldKind::Repeated => arg.action(ArgAction::Append).value_delimiter(','),
            _ => arg,
        };
    }
    match field.kind {
        FieldKind::Text if field.wire == "ConferenceSid" => arg
            .value_name("CONFERENCE")
            .help(format!("{} {CONFERENCE_HELP}", field.help.replace('`', ""))),
        FieldKind::Text if field.wire.ends_with("Sid") => arg.value_name("SID"),
        FieldKind::Text => arg.value_name("TEXT"),
        FieldKind::Url => arg.value_name("URL"),
        FieldKind::Bool => arg
            .value_name("BOOL")
            .value_parser(PossibleValuesParser::new(["true", "false"])),
        FieldKind::Method => arg
            .value_name("METHOD")
            .value_parser(PossibleValuesParser::new(["GET", "POST"]).map(|m| m.to_uppercase()))
            .ignore_case(true),
        FieldKind::Int => {
            let (min, max) = field.range.unwrap_or((0, u64::from(u32::MAX)));
            arg.value_name("N").value_parser(
                clap::value_parser!(u64)
                    .range(min..=max)
                    .map(|n| n.to_string()),
            )
        }
        FieldKind::Day => arg.value_name("YYYY-MM-DD").value_parser(|text: &str| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| d.format("%Y-%m-%d").to_string())
                .map_err(|_| format!("{text:?} is not a day as YYYY-MM-DD"))
        }),
        FieldKind::Repeated => arg
            .value_name("VALUE")
            .action(ArgAction::Append)
            .value_delimiter(','),
    }
}

/// The flags given, by their wire names; a secret is read from the file its flag names.
fn pairs(fields: &[FieldMeta], args: &ArgMatches) -> Result<Vec<(String, String)>, Failure> {
    let mut out = Vec::new();
    for f in fields {
        if f.secret {
            if let Some(path) = args.get_one::<std::path::PathBuf>(f.wire) {
                out.push((
                    f.wire.to_owned(),
                    crate::streams::read_secret(path, f.flag)?,
                ));
            }
            continue;
        }
        out.extend(
            args.get_many::<String>(f.wire)
                .into_iter()
                .flatten()
                .map(|value| (f.wire.to_owned(), value.clone())),
        );
    }
    Ok(out)
}

/// Carries out `meta`'s subcommand.
pub(crate) async fn run(
    client: &Client,
    meta: &'static ResourceMeta,
    matches: &ArgMatches,
    output: Output,
) -> Result<(), Failure> {
    let Some((action, args)) = matches.subcommand() else {
        return Err(Failure::Usage(format!(
            "{} needs a subcommand; see `{} --help`",
            meta.command, meta.command
        )));
    };
    if let Some(done) = own::run(client, meta, matches, output).await {
        return done;
    }
    check_columns(meta).map_err(Failure::Usage)?;
    let ops = &meta.ops;
    let given = |name: &str| args.try_get_one::<String>(name).ok().flatten().cloned();
    // A conference is named by its SID or by its name, as a parent and as the item.
    let mut parents = Vec::new();
    if let Some(parent) = given("parent") {
        parents.push(match meta.parent {
            Some("conference") => crate::conference_sid(client, &parent).await?,
            _ => parent,
        });
    }
    let sid = match given("sid") {
        Some(sid) if meta.what == "conference" => crate::conference_sid(client, &sid).await?,
        other => other.unwrap_or_default(),
    };
    let context = Context {
        conference: match (meta.parent, meta.what) {
            (Some("conference"), _) => given("parent"),
            (_, "conference") => given("sid"),
            _ => None,
        },
        call: given("sid").filter(|_| meta.parent == Some("conference") && meta.item == "call"),
        hint: None,
        resource: None,
    };
    let fail = |e| Failure::Api(e, context.clone());
    let shown = match (action, ops) {
        ("list", ops) if ops.list.is_some() => {
            let list = ops.list.expect("checked");
            let filters = by_name(client, pairs(meta.list.unwrap_or_default(), args)?).await?;
            let paging = Paging {
                page_size: args.get_one::<u32>("page-size").copied(),
                max_pages: args.get_one::<u32>("max-pages").copied(),
            };
            let limit = args
                .get_one::<usize>("limit")
                .copied()
                .unwrap_or(usize::MAX);
            let mut rows = list(client, &parents, &filters, paging);
            let mut printed = Printed::new(meta, output);
            while printed.count < limit {
                match rows.try_next().await.map_err(fail)? {
                    Some(row) => printed.push(&row),
                    None => break,
                }
            }
            printed.finish();
            return Ok(());
        }
        ("get", ops) if ops.fetch.is_some() => {
            (ops.fetch.expect("checked"))(client, &parents, &sid)
                .await
                .map_err(fail)?
        }
        ("create", ops) if ops.create.is_some() => {
            let form = pairs(meta.create.unwrap_or_default(), args)?;
            let created = (ops.create.expect("checked"))(client, &parents, &form)
                .await
                .map_err(fail)?;
            let follow = meta.command == "calls"
                && args.try_get_one::<bool>("follow").ok().flatten() == Some(&true);
            if follow {
                let mut printed = Printed::new(meta, output);
                printed.single = true;
                printed.push(&created);
                printed.finish();
                let sid = created["sid"].as_str().unwrap_or_default().to_owned();
                return crate::calls::log(client, &sid, true, output).await;
            }
            created
        }
        ("update", ops) if ops.update.is_some() => {
            let fields = meta.update.unwrap_or_default();
            let form = pairs(fields, args)?;
            if form.is_empty() {
                let flags: Vec<String> = fields.iter().map(|f| format!("--{}", f.flag)).collect();
                return Err(Failure::Usage(format!(
                    "nothing to change: give at least one of {}",
                    flags.join(", ")
                )));
            }
            (ops.update.expect("checked"))(client, &parents, &sid, &form)
                .await
                .map_err(fail)?
        }
        ("remove", ops) if ops.remove.is_some() => {
            (ops.remove.expect("checked"))(client, &parents, &sid)
                .await
                .map_err(fail)?;
            if output == Output::Table {
                println!("deleted {} {}", meta.what, output::cell(&sid));
            }
            return Ok(());
        }
        (action, ops) if ops.update.is_some() && own_form(meta, action, args).is_some() => {
            let form = own_form(meta, action, args).unwrap_or_default();
            (ops.update.expect("checked"))(client, &parents, &sid, &form)
                .await
                .map_err(fail)?
        }
        (other, _) => {
            return Err(Failure::Usage(format!(
                "{} has no subcommand {other}",
                meta.command
            )));
        }
    };
    let mut printed = Printed::new(meta, output);
    printed.single = true;
    printed.push(&shown);
    printed.finish();
    Ok(())
}

/// Filters with a conference's name in place of its SID (`--conference-sid "Daily standup"`)
/// given the SID of the one conference in progress by that name.
async fn by_name(
    client: &Client,
    mut filters: Vec<(String, String)>,
) -> Result<Vec<(String, String)>, Failure> {
    for (key, value) in &mut filters {
        if key == "ConferenceSid" {
            *value = crate::conference_sid(client, value).await?;
        }
    }
    Ok(filters)
}

/// The subcommands a resource has of its own, beside the generic ones, read by clap's
/// derive (`args.rs`); one of them replaces a generic subcommand of the same name
/// (`participants remove` takes many participants at once).
mod own {
    use clap::{ArgMatches, Command, FromArgMatches as _, Subcommand};
    use signalwire_compat::{__private::ResourceMeta, Client};

    use crate::{
        Failure,
        args::{Conferences, Output, Participants, Recordings},
    };

    /// Whether `name` is one of `meta`'s own subcommands.
    pub(super) fn has(meta: &ResourceMeta, name: &str) -> bool {
        match meta.command {
            "conferences" => Conferences::has_subcommand(name),
            "participants" => Participants::has_subcommand(name),
            "recordings" => Recordings::has_subcommand(name),
            "calls" => matches!(name, "hangup" | "redirect" | "log"),
            "messages" => name == "redact",
            "numbers" => matches!(name, "search" | "import"),
            _ => false,
        }
    }

    /// What the own subcommands do, in words, for the resource's summary.
    pub(super) fn actions(meta: &ResourceMeta) -> &'static [&'static str] {
        match meta.command {
            "conferences" => &["end", "announce to"],
            "participants" => &["mute", "hold", "remove", "watch"],
            "recordings" => &["start", "pause", "resume", "stop"],
            "calls" => &["hang up", "redirect", "read the emulator's log of"],
            "messages" => &["redact"],
            "numbers" => &["search for", "import"],
            _ => &[],
        }
    }

    /// `command` with `meta`'s own subcommands.
    pub(super) fn augment(meta: &ResourceMeta, command: Command) -> Command {
        match meta.command {
            "conferences" => Conferences::augment_subcommands(command),
            "participants" => Participants::augment_subcommands(command),
            "recordings" => Recordings::augment_subcommands(command),
            "calls" | "messages" | "numbers" => command.subcommands(super::own_commands(meta)),
            _ => command,
        }
    }

    /// Runs an own subcommand, if `matches` names one; a call's go through its generic
    /// update.
    pub(super) async fn run(
        client: &Client,
        meta: &ResourceMeta,
        matches: &ArgMatches,
        output: Output,
    ) -> Option<Result<(), Failure>> {
        let (name, _) = matches.subcommand()?;
        if !has(meta, name) {
            return None;
        }
        let usage = |e: clap::Error| Failure::Usage(e.to_string());
        Some(match meta.command {
            "conferences" => match Conferences::from_arg_matches(matches) {
                Ok(command) => crate::conferences::run(client, command, output).await,
                Err(e) => Err(usage(e)),
            },
            "participants" => match Participants::from_arg_matches(matches) {
                Ok(command) => crate::participants::run(client, command, output).await,
                Err(e) => Err(usage(e)),
            },
            "recordings" => match Recordings::from_arg_matches(matches) {
                Ok(command) => crate::recordings::run(client, command, output).await,
                Err(e) => Err(usage(e)),
            },
            "numbers" if name == "import" => {
                let args = matches.subcommand_matches("import")?;
                super::import(client, args, output).await
            }
            "numbers" => {
                let args = matches.subcommand_matches("search")?;
                super::search(client, args, output).await
            }
            "calls" if name == "log" => {
                let args = matches.subcommand_matches("log")?;
                let sid = args.get_one::<String>("sid").cloned().unwrap_or_default();
                crate::calls::log(client, &sid, args.get_flag("follow"), output).await
            }
            _ => return None,
        })
    }
}

/// `numbers search`: the numbers found, as a listing prints them.
async fn search(client: &Client, args: &ArgMatches, output: Output) -> Result<(), Failure> {
    crate::output::check_columns::<signalwire_compat::AvailablePhoneNumber>("numbers found")
        .map_err(Failure::Usage)?;
    let given = |name: &str| args.get_one::<String>(name);
    let country = given("country").map_or("US", String::as_str);
    let numbers = client.available_phone_numbers(country);
    let mut search = if args.get_flag("toll-free") {
        numbers.toll_free()
    } else {
        numbers.local()
    };
    if let Some(code) = given("area-code") {
        search = search.area_code(code);
    }
    if let Some(pattern) = given("contains") {
        search = search.contains(pattern);
    }
    if let Some(region) = given("in-region") {
        search = search.in_region(region);
    }
    if let Some(locality) = given("in-locality") {
        search = search.in_locality(locality);
    }
    if let Some(beta) = args.get_one::<bool>("beta") {
        search = search.beta(*beta);
    }
    let context = Context {
        conference: None,
        call: None,
        hint: None,
        resource: Some(format!("numbers of {country}")),
    };
    let found = search.send().await.map_err(|e| Failure::Api(e, context))?;
    let mut list = crate::output::List::new(output);
    for number in &found {
        list.push(number);
    }
    list.finish();
    Ok(())
}

/// `numbers import`: the number imported, as `numbers get` prints one.
async fn import(client: &Client, args: &ArgMatches, output: Output) -> Result<(), Failure> {
    use signalwire_compat::{NumberCapability, NumberType};
    let number = args.get_one::<String>("number").map_or("", String::as_str);
    let kind = if args.get_flag("toll-free") {
        NumberType::Tollfree
    } else {
        NumberType::Longcode
    };
    let mut import = client.incoming_phone_numbers().import(number, kind);
    if let Some(given) = args.get_many::<String>("capability") {
        import = import.capabilities(given.map(|c| NumberCapability::from(c.as_str())));
    }
    let context = Context {
        conference: None,
        call: None,
        hint: None,
        resource: Some(format!("import of {}", output::cell(number))),
    };
    let imported = import.send().await.map_err(|e| Failure::Api(e, context))?;
    show(&imported, output);
    Ok(())
}

/// Prints one item as the generic commands print it: for a resource's own commands.
pub(crate) fn show<T: Described + serde::Serialize>(item: &T, output: Output) {
    let mut printed = Printed::new(T::META, output);
    printed.single = true;
    printed.push(&serde_json::to_value(item).unwrap_or_default());
    printed.finish();
}

/// The headings of a table of `meta`'s resources (`CALL SID`), in its usual columns.
pub(crate) fn headings(meta: &ResourceMeta) -> Vec<String> {
    meta.columns
        .iter()
        .map(|c| c.replace('_', " ").to_uppercase())
        .collect()
}

/// An item's cells in a table of `meta`'s resources, in its usual columns.
pub(crate) fn cells<T: serde::Serialize>(meta: &ResourceMeta, item: &T) -> Vec<String> {
    let row = serde_json::to_value(item).unwrap_or_default();
    meta.columns.iter().map(|c| cell(c, &row[*c])).collect()
}

/// Whether `--columns` names only fields the resource has.
pub(crate) fn check_columns(meta: &ResourceMeta) -> Result<(), String> {
    let Some(columns) = &output::style().columns else {
        return Ok(());
    };
    match columns.iter().find(|c| !meta.fields.contains(&c.as_str())) {
        Some(unknown) => Err(format!(
            "--columns: {} have no field {:?}; they have {}",
            meta.plural,
            output::cell(unknown),
            meta.fields.join(", ")
        )),
        None => Ok(()),
    }
}

/// A model as JSON with its fields in the model's order.
fn ordered(meta: &ResourceMeta, row: &Value, pretty: bool) -> String {
    let fields: Vec<String> = meta
        .fields
        .iter()
        .map(|f| {
            let value = &row[*f];
            let value = if pretty {
                serde_json::to_string_pretty(value)
                    .unwrap_or_default()
                    .replace('\n', "\n  ")
            } else {
                value.to_string()
            };
            let sep = if pretty { ": " } else { ":" };
            format!("{}{sep}{value}", Value::from(*f))
        })
        .collect();
    if pretty {
        format!("{{\n  {}\n}}", fields.join(",\n  "))
    } else {
        format!("{{{}}}", fields.join(","))
    }
}

/// Whether a model's field is a date (`date_created`, `start_time`).
fn is_date(field: &str) -> bool {
    field.starts_with("date_") || field.ends_with("_time")
}

/// A cell of a table from a model's JSON: dates for people, `-` for nothing, server text
/// escaped and cut short.
fn cell(field: &str, value: &Value) -> String {
    match value {
        Value::Null => "-".to_owned(),
        Value::Bool(true) => "yes".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        Value::String(text) if is_date(field) => {
            let date = signalwire_compat::time::parse_rfc2822(text)
                .ok()
                .or_else(|| chrono::DateTime::parse_from_rfc3339(text).ok());
            date.map_or_else(|| output::cell(text), |d| output::date(Some(d)))
        }
        Value::String(text) => output::cell(text),
        // What an object holds (a recording's `subresource_uris`) is named, not printed:
        // `--output json` has it whole.
        Value::Object(map) if map.is_empty() => "-".to_owned(),
        Value::Object(map) => output::cell(
            &map.keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        other => output::cell(&other.to_string()),
    }
}

/// Prints rows as they come (ndjson) or once they are all in (a table, a JSON array).
struct Printed {
    meta: &'static ResourceMeta,
    output: Output,
    rows: Vec<Vec<String>>,
    documents: Vec<String>,
    count: usize,
    single: bool,
}

impl Printed {
    fn new(meta: &'static ResourceMeta, output: Output) -> Self {
        Self {
            meta,
            output,
            rows: Vec::new(),
            documents: Vec::new(),
            count: 0,
            single: false,
        }
    }

    fn columns(&self) -> Vec<&str> {
        match &output::style().columns {
            Some(columns) => columns.iter().map(String::as_str).collect(),
            None => self.meta.columns.to_vec(),
        }
    }

    fn push(&mut self, row: &Value) {
        self.count += 1;
        match self.output {
            Output::Table
                if self.single && output::style().columns.is_none() && !output::style().tsv =>
            {
                let width = self.meta.fields.iter().map(|f| f.len()).max().unwrap_or(0);
                for field in self.meta.fields {
                    let name = field.replace('_', " ");
                    let value = match &row[*field] {
                        Value::String(text) if !is_date(field) => {
                            signalwire_compat::Printable::new(text).to_string()
                        }
                        other => cell(field, other),
                    };
                    self.documents.push(format!("{name:<width$}  {value}"));
                }
            }
            Output::Table => {
                let cells = self.columns().iter().map(|c| cell(c, &row[*c])).collect();
                self.rows.push(cells);
            }
            Output::Json => self.documents.push(ordered(self.meta, row, true)),
            Output::Ndjson => {
                println!("{}", ordered(self.meta, row, false));
                let _ = std::io::stdout().flush();
            }
        }
    }

    fn finish(self) {
        match self.output {
            Output::Ndjson => {}
            Output::Table
                if self.single && output::style().columns.is_none() && !output::style().tsv =>
            {
                for line in &self.documents {
                    println!("{line}");
                }
            }
            Output::Json if self.single => {
                println!("{}", self.documents.first().map_or("null", String::as_str))
            }
            Output::Json if self.documents.is_empty() => println!("[]"),
            Output::Json => println!(
                "[\n  {}\n]",
                self.documents
                    .iter()
                    .map(|d| d.replace('\n', "\n  "))
                    .collect::<Vec<_>>()
                    .join(",\n  ")
            ),
            Output::Table => {
                let style = output::style();
                if self.rows.is_empty() && !style.tsv {
                    println!("no {}", self.meta.plural);
                    return;
                }
                let headings: Vec<String> = match &style.columns {
                    Some(columns) => columns
                        .iter()
                        .map(|c| c.replace('_', " ").to_uppercase())
                        .collect(),
                    None => headings(self.meta),
                };
                let headings: Vec<&str> = headings.iter().map(String::as_str).collect();
                let lines = if style.tsv {
                    output::tsv(&headings, &self.rows)
                } else {
                    output::table(&headings, &self.rows)
                };
                for line in lines.iter().skip(usize::from(style.no_header)) {
                    println!("{line}");
                }
            }
        }
    }
}
