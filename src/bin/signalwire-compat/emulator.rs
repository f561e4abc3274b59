//! `emulator`: a local SignalWire space in the foreground, for tests in any language.

use std::time::Duration;

use signalwire_compat::emulator::{Clock, Emulator, Seed, demo};

use crate::{
    Failure,
    args::{EmulatorArgs, Output},
    output,
};

pub(crate) async fn serve(args: &EmulatorArgs, output: Output) -> Result<(), Failure> {
    let seed = match &args.seed {
        None => demo::seed(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::Usage(format!("cannot read the seed file {}: {e}", path.display()))
            })?;
            let seed = serde_json::from_str::<Seed>(&text).map_err(|e| e.to_string());
            seed.and_then(|seed| seed.check().map(|()| seed).map_err(|e| e.to_string()))
                .map_err(|e| {
                    Failure::Usage(format!(
                        "the seed file {} is not a valid seed: {e}",
                        path.display()
                    ))
                })?
        }
    };
    // The first conference in progress, to try commands on.
    let conference = seed
        .projects
        .first()
        .and_then(|p| p.conferences.iter().find(|c| c.status == "in-progress"))
        .map(|c| c.sid);
    let clock = match (args.clock_speed, args.clock_start, args.virtual_clock) {
        (Some(speed), start, _) => Clock::scaled(start.unwrap_or_else(chrono::Utc::now), speed)
            .map_err(|e| Failure::Usage(e.to_string()))?,
        (None, Some(start), _) => Clock::starting_at(start),
        (None, None, true) => Clock::virtual_now(),
        (None, None, false) => Clock::real(),
    };
    let emulator = Emulator::builder()
        .listen(args.listen)
        .clock(clock)
        .seed(seed)
        .allow_remote_callbacks(args.allow_remote_callbacks)
        .start()
        .await
        .map_err(|e| Failure::Io(format!("cannot start the emulator on {}: {e}", args.listen)))?;
    output::emulator(&emulator, conference, output);

    let stop_after = async {
        match args.stop_after {
            Some(seconds) => tokio::time::sleep(Duration::from_secs(seconds)).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = stop_after => {}
        _ = interrupted() => {}
    }
    emulator.shutdown().await;
    Ok(())
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
pub(crate) async fn interrupted() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
