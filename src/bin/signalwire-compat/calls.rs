//! `calls log CALL_SID [--follow]` and `calls create … --follow`: the log an emulator keeps
//! of a call it runs (every request to the app, verb run, input, callback sent, recording,
//! error, and its end), read through its control endpoint with the command's credentials.

use std::time::Duration;

use signalwire_compat::{
    Client, ErrorKind,
    emulator::{CallLogEntry, RemoteEmulator},
};

use crate::{Context, Failure, args::Output, output};

/// How often a followed log is read again.
const FOLLOW_EVERY: Duration = Duration::from_millis(250);

/// Prints the log of `call`; with `follow`, keeps printing its entries as they come until
/// the call ends (or Ctrl-C).
pub(crate) async fn log(
    client: &Client,
    call: &str,
    follow: bool,
    output: Output,
) -> Result<(), Failure> {
    let emulator = RemoteEmulator::new(client);
    let fail = |e: signalwire_compat::Error| {
        let hint = (e.is_not_found() && e.kind() != ErrorKind::InvalidInput).then_some(
            "a call's log is kept by the emulator: point --base-url at one, or add --emulator",
        );
        Failure::Api(
            e,
            Context {
                hint,
                ..Context::default()
            },
        )
    };
    if !follow {
        let log = emulator.call_log(call).await.map_err(fail)?;
        match output {
            Output::Json => {
                let entries = serde_json::to_value(&log.entries).unwrap_or_default();
                println!(
                    "{}",
                    serde_json::json!({ "call_sid": call, "dropped": log.dropped, "log": entries })
                );
            }
            _ => {
                for entry in &log.entries {
                    print(entry, output);
                }
            }
        }
        return Ok(());
    }
    // Entries are counted from the first the call ever had, so that those let go past the
    // log's bound are not printed twice.
    let mut printed: u64 = 0;
    let stop = crate::emulator::interrupted();
    tokio::pin!(stop);
    // A call that ends without running cXML (busy, no answer, canceled while it rings, or a
    // dialed call) has no `ended` entry: its status says it is over, and its log is read once
    // more for what came last.
    let mut over = false;
    loop {
        let log = emulator.call_log(call).await.map_err(fail)?;
        let mut ended = false;
        for (n, entry) in log.entries.iter().enumerate() {
            let at = log.dropped + n as u64;
            if at < printed {
                continue;
            }
            print(entry, output);
            printed = at + 1;
            ended |= entry.event == "ended";
        }
        if ended || over {
            return Ok(());
        }
        let status = client
            .call(call)
            .fetch()
            .await
            .map_err(|e| Failure::Api(e, Context::default()))?
            .status;
        over = matches!(
            status.as_str(),
            "completed" | "busy" | "no-answer" | "failed" | "canceled"
        );
        tokio::select! {
            () = tokio::time::sleep(FOLLOW_EVERY) => {}
            () = &mut stop => return Ok(()),
        }
    }
}

/// One entry: a line of JSON, or its time, event and what happened (text from the log is
/// escaped: it may hold what an app sent).
fn print(entry: &CallLogEntry, output: Output) {
    match output {
        Output::Json | Output::Ndjson => {
            println!("{}", serde_json::to_value(entry).unwrap_or_default());
        }
        Output::Table => {
            let mut detail = entry.detail.clone();
            // The parameters of each request are many: `--output json` shows them.
            detail.remove("params");
            let time = entry.at.get(11..23).unwrap_or(&entry.at);
            println!(
                "{}  {:<9}  {}",
                output::cell(time),
                output::cell(&entry.event),
                signalwire_compat::Printable::with_limit(
                    &serde_json::Value::Object(detail).to_string(),
                    400
                )
            );
        }
    }
}
