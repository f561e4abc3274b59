//! Profiles: named sets of settings (where the space is, the project, where the token comes
//! from) in a JSON file only its owner can read, and the `config` commands that manage it.
//!
//! The file is `$SIGNALWIRE_COMPAT_CONFIG` when set, else `signalwire-compat/config.json`
//! in the platform's configuration directory (`$XDG_CONFIG_HOME`, or `~/.config`, on Unix;
//! `%APPDATA%` on Windows). Settings are taken from the command line first, then a profile
//! named with `--profile NAME`, then the environment, then the file's default profile.
//!
//! The file is written whole to a new private file beside it (created afresh, never
//! through a link) and renamed over it; a `config.json` that is a symbolic link keeps its
//! link, and its target is what is replaced. Changes take a lock (`config.json.lock`), so
//! that commands run at once each keep the others' changes.

use std::{
    collections::BTreeMap,
    io::{Read as _, Write as _},
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};
use signalwire_compat::{ClientBuilder, env};

use crate::{
    Failure,
    args::{ConfigAdd, ConfigCommand, Global},
    output::cell,
};

/// The environment variable that names the configuration file.
pub const CONFIG_ENV: &str = "SIGNALWIRE_COMPAT_CONFIG";

/// The configuration file.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    /// The profile used when none is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// One profile. At most one of `token`, `token_file` and `token_command`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    space: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    project: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_file: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_command: Option<String>,
}

impl Profile {
    /// Where its token comes from, never the token itself.
    fn token_source(&self) -> String {
        match (&self.token, &self.token_file, &self.token_command) {
            (Some(_), ..) => "stored in the file".to_owned(),
            (_, Some(file), _) => format!("file {}", cell(&file.display().to_string())),
            (.., Some(command)) => format!("command {}", cell(command)),
            _ => "none".to_owned(),
        }
    }
}

/// Where the configuration file is.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(CONFIG_ENV).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let base = if cfg!(windows) {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else {
        std::env::var_os("XDG_CONFIG_HOME")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
    }?;
    Some(base.join("signalwire-compat").join("config.json"))
}

/// Refuses a file that others can read or write: it holds, or leads to, a secret.
fn check_private(path: &Path, what: &str) -> Result<(), Failure> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Failure::Usage(format!("cannot read the {what} {}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(Failure::Usage(format!(
            "the {what} {} is not a file (a directory?): give the path of a file",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Failure::Usage(format!(
                "the {what} {} can be read by other users (mode {mode:03o}); make it private with: chmod 600 {}",
                path.display(),
                path.display()
            )));
        }
    }
    Ok(())
}

/// The configuration file's contents; empty when there is none.
fn load() -> Result<(Option<PathBuf>, ConfigFile), Failure> {
    let Some(path) = path() else {
        return Ok((None, ConfigFile::default()));
    };
    let file = read(&path)?;
    Ok((Some(path), file))
}

/// The file at `path`, checked private; empty when there is none. A file that cannot be
/// read is named with where it goes wrong, never with what it holds (a token, maybe).
fn read(path: &Path) -> Result<ConfigFile, Failure> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(ConfigFile::default());
    }
    check_private(path, "configuration file")?;
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::Usage(format!(
            "cannot read the configuration file {}: {e}",
            path.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Data => {
                "holds a setting that is not one (an unknown name, or a value of the wrong kind)"
            }
            _ => "is not valid JSON",
        };
        Failure::Usage(format!(
            "the configuration file {} {what} at line {}, column {}: correct it, or remove it and add the profiles again",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

/// Reads the file, lets `change` change it, and writes it back, holding a lock on
/// `config.json.lock` beside it throughout, so that changes made at once are all kept.
fn change<T>(
    path: &Path,
    change: impl FnOnce(&mut ConfigFile) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let fail = |e: std::io::Error| {
        Failure::Io(format!(
            "cannot lock the configuration file {}: {e}",
            path.display()
        ))
    };
    if let Some(dir) = path.parent() {
        create_private_dir(dir).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let lock = options
        .open(path.with_extension("json.lock"))
        .map_err(fail)?;
    lock.lock().map_err(fail)?;
    let mut file = read(path)?;
    let answer = change(&mut file)?;
    save(path, &file)?;
    drop(lock);
    Ok(answer)
}

/// Makes the configuration directory (and its parents), the last private to its owner.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes the file whole, private from its first byte: to a new file beside it (created
/// afresh with mode 600, so never one left there or a link), then renamed over it, so that
/// a failure leaves the old one as it was. A `config.json` that is a symbolic link keeps its
/// link: its target is what is replaced.
fn save(path: &Path, file: &ConfigFile) -> Result<(), Failure> {
    let fail = |e: std::io::Error| {
        Failure::Io(format!(
            "cannot write the configuration file {}: {e}",
            path.display()
        ))
    };
    let target = resolved(path).map_err(fail)?;
    let text = serde_json::to_string_pretty(file).map_err(|e| Failure::Io(e.to_string()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    // A name no one else uses: this process's, and a count past any left over.
    let mut attempt = 0u32;
    let (temporary, mut out) = loop {
        let name = format!("json.new-{}-{attempt}", std::process::id());
        let temporary = target.with_extension(name);
        match options.open(&temporary) {
            Ok(out) => break (temporary, out),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(fail(e)),
        }
    };
    let written = out
        .write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.sync_all())
        .and_then(|()| std::fs::rename(&temporary, &target));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(fail(e));
    }
    Ok(())
}

/// The file a configuration path stands for: the target of a symbolic link (followed to
/// the end, relative links from their own directory), or the path itself.
fn resolved(path: &Path) -> std::io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// A token read from a file (`-` for standard input), whitespace trimmed.
pub fn read_token_file(path: &Path) -> Result<String, Failure> {
    let text = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            Failure::Usage(format!("cannot read the token from standard input: {e}"))
        })?;
        text
    } else {
        check_private(path, "token file")?;
        std::fs::read_to_string(path).map_err(|e| {
            Failure::Usage(format!(
                "cannot read the token file {}: {e}",
                path.display()
            ))
        })?
    };
    let token = text.trim().to_owned();
    if token.is_empty() {
        return Err(Failure::Usage(format!(
            "the token file {} is empty",
            path.display()
        )));
    }
    Ok(token)
}

/// How long a token command may run.
const TOKEN_COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The most a token command may print.
const TOKEN_COMMAND_MAX_BYTES: u64 = 64 * 1024;

/// Runs a profile's token command and takes the first line it prints as the token, as git
/// credential helpers and `pass show` users expect (a password manager's entry holds more
/// below its first line). It may run for 10 seconds and print 64 KiB at the most.
fn run_token_command(command: &str) -> Result<String, Failure> {
    use std::io::Read as _;
    let (shell, flag) = if cfg!(windows) {
        ("cmd", "/C")
    } else {
        ("sh", "-c")
    };
    let mut spawn = std::process::Command::new(shell);
    spawn
        .args([flag, command])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit());
    // Its own process group, so that a command that runs too long is stopped with whatever
    // it started.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut spawn, 0);
    let mut child = spawn
        .spawn()
        .map_err(|e| Failure::Usage(format!("cannot run the token command: {e}")))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let (sent, output) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let read = stdout
            .take(TOKEN_COMMAND_MAX_BYTES + 1)
            .read_to_end(&mut out);
        let _ = sent.send(read.map(|_| out));
    });
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < TOKEN_COMMAND_TIMEOUT => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Ok(None) => {
                #[cfg(unix)]
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .stderr(std::process::Stdio::null())
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failure::Usage(format!(
                    "the token command did not finish within {} seconds",
                    TOKEN_COMMAND_TIMEOUT.as_secs()
                )));
            }
            Err(e) => return Err(Failure::Usage(format!("cannot run the token command: {e}"))),
        }
    };
    // A process the command left behind may hold its output open: wait a little, not forever.
    let out = output
        .recv_timeout(std::time::Duration::from_secs(1))
        .map_err(|_| {
            Failure::Usage("the token command's output did not end when the command did".into())
        })?
        .map_err(|e| Failure::Usage(format!("cannot read the token command's output: {e}")))?;
    if out.len() as u64 > TOKEN_COMMAND_MAX_BYTES {
        return Err(Failure::Usage(format!(
            "the token command printed more than {} KiB; a token is one line",
            TOKEN_COMMAND_MAX_BYTES / 1024
        )));
    }
    // Checked after the size: a command that printed too much may end by a broken pipe.
    if !status.success() {
        return Err(Failure::Usage(format!(
            "the token command failed ({status}); run it yourself to see why"
        )));
    }
    let text = String::from_utf8(out)
        .map_err(|_| Failure::Usage("the token command printed text that is not UTF-8".into()))?;
    let token = text.lines().next().unwrap_or_default().trim().to_owned();
    if token.is_empty() {
        return Err(Failure::Usage(
            "the token command printed nothing on its first line".into(),
        ));
    }
    Ok(token)
}

/// Where a setting was taken from, to say so when they differ.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Options,
    Environment(&'static str),
    Profile(String),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Options => f.write_str("the command line"),
            Source::Environment(name) => write!(f, "the environment ({name})"),
            Source::Profile(name) => write!(f, "profile {}", cell(name)),
        }
    }
}

/// Where the API token of this run came from, for the message of a 401.
static TOKEN_SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// What to tell a person whose credentials were refused: where the token came from.
pub fn refused_token_hint() -> Option<String> {
    TOKEN_SOURCE.get().map(|source| {
        format!(
            "the API token from {source} was refused: check it, and that it belongs to the project"
        )
    })
}

/// A client builder: the options given first, then an explicit `--profile`, then the
/// environment, then the default profile. A setting is taken whole from one place (a
/// space from a profile is not mixed with a base URL from the environment); when the
/// credentials come from another place than the space, a note on standard error says so.
pub fn configured(global: &Global) -> Result<ClientBuilder, Failure> {
    let var = |name: &'static str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|_| Source::Environment(name))
    };
    let mut builder = ClientBuilder::from_env();
    let mut location = [env::BASE_URL, env::SPACE, env::SPACE_URL]
        .into_iter()
        .find_map(var);
    let mut project = var(env::PROJECT_ID);
    let mut token = var(env::API_TOKEN);

    let given_location = global.space.is_some() || global.base_url.is_some();
    let given_token = global.token.is_some() || global.token_file.is_some();
    let everything_given = given_location && global.project.is_some() && given_token;
    // With every setting on the command line and no profile named, the file is not read:
    // a broken one does not stand in the way.
    let file = if everything_given && global.profile.is_none() {
        ConfigFile::default()
    } else {
        load()?.1
    };
    let explicit = global.profile.is_some();
    let name = global.profile.clone().or(file.default.clone());
    if let Some(name) = name {
        let profile = file.profiles.get(&name).ok_or_else(|| {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            Failure::Usage(format!(
                "no profile is named {:?}; the profiles are: {}",
                cell(&name),
                if known.is_empty() {
                    "none (add one with `config add`)".to_owned()
                } else {
                    known.join(", ")
                }
            ))
        })?;
        // A profile named on the command line wins over the environment; the default one
        // fills in what the environment leaves out.
        let from = Source::Profile(name.clone());
        let located = profile.space.is_some() || profile.base_url.is_some();
        if located && (explicit || location.is_none()) {
            if let Some(space) = &profile.space {
                builder = builder.space(space);
            }
            if let Some(url) = &profile.base_url {
                builder = builder.base_url(url);
            }
            location = Some(from.clone());
        }
        if let Some(id) = &profile.project
            && (explicit || project.is_none())
        {
            builder = builder.project_id(id);
            project = Some(from.clone());
        }
        let has_token = profile.token.is_some()
            || profile.token_file.is_some()
            || profile.token_command.is_some();
        if has_token && !given_token && (explicit || token.is_none()) {
            if let Some(secret) = &profile.token {
                builder = builder.api_token(secret);
            } else if let Some(file) = &profile.token_file {
                builder = builder.api_token(read_token_file(file)?);
            } else if let Some(command) = &profile.token_command {
                builder = builder.api_token(run_token_command(command)?);
            }
            token = Some(from);
        }
    }

    // The options given win over everything.
    if let Some(space) = &global.space {
        builder = builder.space(space);
        location = Some(Source::Options);
    }
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url);
        location = Some(Source::Options);
    }
    if let Some(id) = &global.project {
        builder = builder.project_id(id);
        project = Some(Source::Options);
    }
    if let Some(secret) = &global.token {
        builder = builder.api_token(secret);
        token = Some(Source::Options);
    }
    if let Some(file) = &global.token_file {
        builder = builder.api_token(read_token_file(file)?);
        token = Some(Source::Options);
    }

    // Credentials sent to a space they were not set beside are worth a line: a stray
    // variable left in the environment sends them to the wrong place.
    if let Some(place) = &location {
        for (what, source) in [("project ID", &project), ("API token", &token)] {
            let Some(source) = source else { continue };
            let mixed = matches!(
                (place, source),
                (Source::Profile(_), Source::Environment(_))
                    | (Source::Environment(_), Source::Profile(_))
            );
            if mixed {
                eprintln!("note: the {what} comes from {source}, the space from {place}");
            }
        }
    }
    if let Some(source) = token {
        let _ = TOKEN_SOURCE.set(source.to_string());
    }
    Ok(builder)
}

/// `config list|show|add|remove|path`.
pub fn run(command: &ConfigCommand) -> Result<(), Failure> {
    let (path, file) = load()?;
    let path_text = || {
        path.as_ref().map_or_else(
            || "(no configuration directory)".to_owned(),
            |p| p.display().to_string(),
        )
    };
    match command {
        ConfigCommand::Path => println!("{}", path_text()),
        ConfigCommand::List => {
            if file.profiles.is_empty() {
                println!("no profiles in {} (add one with `config add`)", path_text());
            }
            for (name, profile) in &file.profiles {
                let mark = if file.default.as_deref() == Some(name) {
                    "*"
                } else {
                    " "
                };
                let place = profile
                    .base_url
                    .as_deref()
                    .or(profile.space.as_deref())
                    .unwrap_or("-");
                println!(
                    "{mark} {}  {}  project {}  token {}",
                    cell(name),
                    cell(place),
                    cell(profile.project.as_deref().unwrap_or("-")),
                    profile.token_source()
                );
            }
        }
        ConfigCommand::Show { name } => {
            let profile = file
                .profiles
                .get(name)
                .ok_or_else(|| Failure::Usage(format!("no profile is named {:?}", cell(name))))?;
            println!(
                "profile   {}{}",
                cell(name),
                if file.default.as_deref() == Some(name) {
                    " (default)"
                } else {
                    ""
                }
            );
            println!(
                "space     {}",
                cell(profile.space.as_deref().unwrap_or("-"))
            );
            println!(
                "base URL  {}",
                cell(profile.base_url.as_deref().unwrap_or("-"))
            );
            println!(
                "project   {}",
                cell(profile.project.as_deref().unwrap_or("-"))
            );
            println!("token     {}", profile.token_source());
        }
        ConfigCommand::Add(add) => {
            if add.name.trim().is_empty() {
                return Err(Failure::Usage(
                    "a profile needs a name that is not empty".into(),
                ));
            }
            let path = path.ok_or_else(|| {
                Failure::Usage(format!(
                    "there is no configuration directory: set {CONFIG_ENV}"
                ))
            })?;
            let given = new_profile(add)?;
            let kept = change(&path, |file| {
                // Adding over a profile changes what is given and keeps the rest.
                let (profile, kept) = match file.profiles.remove(&add.name) {
                    Some(old) => old.updated(given),
                    None => (given, Vec::new()),
                };
                file.profiles.insert(add.name.clone(), profile);
                if add.default || file.default.is_none() {
                    file.default = Some(add.name.clone());
                }
                Ok(kept)
            })?;
            if kept.is_empty() {
                println!("saved profile {} in {}", cell(&add.name), path.display());
            } else {
                println!(
                    "updated profile {} in {} (kept its {})",
                    cell(&add.name),
                    path.display(),
                    kept.join(", ")
                );
            }
        }
        ConfigCommand::Remove { name } => {
            let path =
                path.ok_or_else(|| Failure::Usage("there is no configuration file".into()))?;
            change(&path, |file| {
                if file.profiles.remove(name).is_none() {
                    return Err(Failure::Usage(format!(
                        "no profile is named {:?}",
                        cell(name)
                    )));
                }
                if file.default.as_deref() == Some(name) {
                    file.default = None;
                }
                Ok(())
            })?;
            println!("removed profile {}", cell(name));
        }
    }
    Ok(())
}

impl Profile {
    /// This profile with what `given` sets in place of its own: a location, a project, a
    /// token source (which replaces all of this one's). Answers it, and what it kept.
    fn updated(self, given: Profile) -> (Profile, Vec<&'static str>) {
        let mut kept = Vec::new();
        let located = given.space.is_some() || given.base_url.is_some();
        let (space, base_url) = if located {
            (given.space, given.base_url)
        } else {
            if self.space.is_some() || self.base_url.is_some() {
                kept.push("space");
            }
            (self.space, self.base_url)
        };
        let project = given.project.or_else(|| {
            let old = self.project;
            if old.is_some() {
                kept.push("project");
            }
            old
        });
        let tokened =
            given.token.is_some() || given.token_file.is_some() || given.token_command.is_some();
        let profile = if tokened {
            Profile {
                space,
                base_url,
                project,
                ..given
            }
        } else {
            if self.token.is_some() || self.token_file.is_some() || self.token_command.is_some() {
                kept.push("token");
            }
            Profile {
                space,
                base_url,
                project,
                token: self.token,
                token_file: self.token_file,
                token_command: self.token_command,
            }
        };
        (profile, kept)
    }
}

fn new_profile(add: &ConfigAdd) -> Result<Profile, Failure> {
    let token = if add.token_stdin {
        Some(read_token_file(Path::new("-"))?)
    } else {
        None
    };
    if let Some(file) = &add.token_file {
        check_private(file, "token file")?;
    }
    // Where it points is checked now, as a client would check it, not at its first use.
    if add.space.is_some() || add.base_url.is_some() || add.project.is_some() {
        let mut check = ClientBuilder::default()
            .project_id(add.project.clone().unwrap_or_else(uuid_nil))
            .api_token("unused")
            .space("example");
        if let Some(space) = &add.space {
            check = check.space(space);
        }
        if let Some(url) = &add.base_url {
            check = check.base_url(url);
        }
        check.build().map_err(|e| {
            Failure::Usage(format!(
                "the profile is not saved: {}",
                signalwire_compat::one_line(&e)
            ))
        })?;
    }
    Ok(Profile {
        space: add.space.clone(),
        base_url: add.base_url.clone(),
        project: add.project.clone(),
        token,
        token_file: add
            .token_file
            .as_ref()
            .map(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())),
        token_command: add.token_command.clone(),
    })
}

/// The nil UUID's text, a stand-in project ID when only a location is checked.
fn uuid_nil() -> String {
    "00000000-0000-0000-0000-000000000000".to_owned()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn a_file_or_link_left_where_the_new_file_goes_is_never_written_through() {
        let dir = std::env::temp_dir().join(format!("swc-config-save-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.json");
        // The first name this process would write to is a link to another file, and the
        // second is a file others can read.
        let elsewhere = dir.join("elsewhere");
        std::fs::write(&elsewhere, "not the configuration").unwrap();
        let pid = std::process::id();
        std::os::unix::fs::symlink(&elsewhere, dir.join(format!("config.json.new-{pid}-0")))
            .unwrap();
        let shared = dir.join(format!("config.json.new-{pid}-1"));
        std::fs::write(&shared, "left over").unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).unwrap();
        let file = ConfigFile {
            default: Some("one".into()),
            ..ConfigFile::default()
        };
        assert!(save(&path, &file).is_ok());
        assert_eq!(
            std::fs::read_to_string(&elsewhere).unwrap(),
            "not the configuration"
        );
        assert_eq!(std::fs::read_to_string(&shared).unwrap(), "left over");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let read_back = read(&path).ok().and_then(|f| f.default);
        assert_eq!(read_back.as_deref(), Some("one"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
