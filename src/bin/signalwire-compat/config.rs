//! Profiles: named sets of settings (where the space is, the project, where the token comes
//! from) in a JSON file only its owner can read, and the `config` commands that manage it.
//!
//! The file is `$SIGNALWIRE_COMPAT_CONFIG` when set, else `signalwire-compat/config.json`
//! in the platform's configuration directory (`$XDG_CONFIG_HOME`, or `~/.config`, on Unix;
//! `%APPDATA%` on Windows). Settings are taken from the command line first, then the
//! environment, then the profile (`--profile NAME`, or the file's default).

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
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let meta = std::fs::metadata(path).map_err(|e| {
            Failure::Usage(format!("cannot read the {what} {}: {e}", path.display()))
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Failure::Usage(format!(
                "the {what} {} can be read by other users (mode {mode:03o}); make it private with: chmod 600 {}",
                path.display(),
                path.display()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, what);
    Ok(())
}

/// The configuration file's contents; empty when there is none.
fn load() -> Result<(Option<PathBuf>, ConfigFile), Failure> {
    let Some(path) = path() else {
        return Ok((None, ConfigFile::default()));
    };
    if !path.exists() {
        return Ok((Some(path), ConfigFile::default()));
    }
    check_private(&path, "configuration file")?;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Failure::Usage(format!(
            "cannot read the configuration file {}: {e}",
            path.display()
        ))
    })?;
    let file = serde_json::from_str(&text).map_err(|e| {
        Failure::Usage(format!(
            "the configuration file {} is not valid: {e}",
            path.display()
        ))
    })?;
    Ok((Some(path), file))
}

/// Writes the file whole, private from its first byte: to a new file beside it, then
/// renamed over it, so that a failure leaves the old one as it was.
fn save(path: &Path, file: &ConfigFile) -> Result<(), Failure> {
    let fail = |e: std::io::Error| {
        Failure::Io(format!(
            "cannot write the configuration file {}: {e}",
            path.display()
        ))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let text = serde_json::to_string_pretty(file).map_err(|e| Failure::Io(e.to_string()))?;
    let temporary = path.with_extension("json.new");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(&temporary).map_err(fail)?;
    out.write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.sync_all())
        .map_err(fail)?;
    std::fs::rename(&temporary, path).map_err(fail)
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

/// A client builder: the options given, then the environment, then the profile.
pub fn configured(global: &Global) -> Result<ClientBuilder, Failure> {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let mut builder = ClientBuilder::from_env();

    // The profile fills in what the environment leaves out.
    let (_, file) = load()?;
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
        let located = [env::SPACE, env::SPACE_URL, env::BASE_URL]
            .iter()
            .any(|v| set(v));
        if !located {
            if let Some(space) = &profile.space {
                builder = builder.space(space);
            }
            if let Some(url) = &profile.base_url {
                builder = builder.base_url(url);
            }
        }
        if !set(env::PROJECT_ID)
            && let Some(project) = &profile.project
        {
            builder = builder.project_id(project);
        }
        let token_given = global.token.is_some() || global.token_file.is_some();
        if !set(env::API_TOKEN) && !token_given {
            if let Some(token) = &profile.token {
                builder = builder.api_token(token);
            } else if let Some(file) = &profile.token_file {
                builder = builder.api_token(read_token_file(file)?);
            } else if let Some(command) = &profile.token_command {
                builder = builder.api_token(run_token_command(command)?);
            }
        }
    }

    // The options given win over everything.
    if let Some(space) = &global.space {
        builder = builder.space(space);
    }
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url);
    }
    if let Some(project) = &global.project {
        builder = builder.project_id(project);
    }
    if let Some(token) = &global.token {
        builder = builder.api_token(token);
    }
    if let Some(file) = &global.token_file {
        builder = builder.api_token(read_token_file(file)?);
    }
    Ok(builder)
}

/// `config list|show|add|remove|path`.
pub fn run(command: &ConfigCommand) -> Result<(), Failure> {
    let (path, mut file) = load()?;
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
            let profile = new_profile(add)?;
            file.profiles.insert(add.name.clone(), profile);
            if add.default || file.default.is_none() {
                file.default = Some(add.name.clone());
            }
            save(&path, &file)?;
            println!("saved profile {} in {}", cell(&add.name), path.display());
        }
        ConfigCommand::Remove { name } => {
            let path =
                path.ok_or_else(|| Failure::Usage("there is no configuration file".into()))?;
            if file.profiles.remove(name).is_none() {
                return Err(Failure::Usage(format!(
                    "no profile is named {:?}",
                    cell(name)
                )));
            }
            if file.default.as_deref() == Some(name) {
                file.default = None;
            }
            save(&path, &file)?;
            println!("removed profile {}", cell(name));
        }
    }
    Ok(())
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
