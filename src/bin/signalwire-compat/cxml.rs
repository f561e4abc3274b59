//! `cxml check`: reads a document as SignalWire would, and prints it normalized or says
//! where it is wrong.

use std::io::Read as _;

use signalwire_compat::cxml::{FaxResponse, MAX_DOCUMENT_BYTES, MessagingResponse, VoiceResponse};

use crate::{Failure, args::CxmlCheckArgs};

/// The document, read whole but no further than the reader takes (a larger one is refused
/// without being read to its end).
fn read(args: &CxmlCheckArgs) -> Result<String, Failure> {
    let name = args.file.display().to_string();
    let limit = MAX_DOCUMENT_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let read = if name == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(&args.file).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|e| Failure::Io(format!("cannot read {name}: {e}")))?;
    if bytes.len() as u64 >= limit {
        return Err(Failure::Usage(format!(
            "{name}: the document has more than {MAX_DOCUMENT_BYTES} bytes, which no cXML needs"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        Failure::Usage(format!(
            "{name}: the document is not UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

pub(crate) fn check(args: &CxmlCheckArgs) -> Result<(), Failure> {
    let text = read(args)?;
    let name = args.file.display().to_string();
    let voice = || VoiceResponse::parse(&text).map(|d| d.to_pretty_xml());
    let messaging = || MessagingResponse::parse(&text).map(|d| d.to_pretty_xml());
    let fax = || FaxResponse::parse(&text).map(|d| d.to_pretty_xml());
    let normalized = match args.channel.as_deref() {
        Some("messaging") => messaging(),
        Some("fax") => fax(),
        Some(_) => voice(),
        // The first channel that reads it; if none does, the voice reader's error.
        None => voice().or_else(|e| messaging().or_else(|_| fax()).map_err(|_| e)),
    };
    match normalized {
        Ok(xml) => crate::write_out(format!("{xml}\n").as_bytes(), "the document"),
        Err(e) => Err(Failure::Usage(format!("{name}: {e}"))),
    }
}
