//! LaML Bins in the emulator: what a create and an update do, and the bin's contents served
//! at its `request_url` (`/laml-bins/{sid}` on the emulator, by `GET` or `POST`, without
//! credentials, as SignalWire serves a bin to whoever calls its URL). Each fetch of the
//! contents counts in `num_requests` and sets `date_last_accessed`. A bin's SID is random, and
//! its contents are served as `text/xml` with `nosniff` and a sandboxing policy. A bin
//! created without `Contents` holds an empty `<Response></Response>`, as SignalWire documents;
//! bins are listed newest first, as SignalWire documents.

use uuid::Uuid;

use super::{
    response::Refusal,
    store::{Ctx, Emulated, Tables},
};
use crate::{LamlBin, api::generated::LamlBinCreate};

/// Where the emulator serves bins' contents.
pub(crate) const CONTENTS_PATH: &str = "/laml-bins/";

impl Emulated for LamlBin {
    type Create = LamlBinCreate;
    type Update = crate::api::generated::LamlBinUpdate;
    /// SignalWire lists scripts with the most recent first.
    const NEWEST_FIRST: bool = true;

    /// A blank bin (its contents SignalWire's default, an empty Response element, which a
    /// call can run) changed by its form.
    fn create(ctx: &Ctx<'_>, form: LamlBinCreate) -> Result<Self, Refusal> {
        let mut row = LamlBin {
            sid: ctx.sid.into(),
            account_sid: ctx.account.into(),
            name: None,
            contents: Some("<Response></Response>".to_owned()),
            request_url: Some(format!("{}{CONTENTS_PATH}{}", ctx.origin, ctx.sid)),
            num_requests: Some(0),
            date_created: Some(super::participants::whole_seconds(ctx.now)),
            date_updated: None,
            date_last_accessed: None,
            api_version: Some("2010-04-01".into()),
            uri: Some(ctx.uri(Self::meta(), &ctx.sid)),
        };
        row.update(ctx, form.into())?;
        Ok(row)
    }

    fn update(&mut self, ctx: &Ctx<'_>, f: Self::Update) -> Result<(), Refusal> {
        if f.name.is_some() {
            self.name = f.name;
        }
        if f.contents.is_some() {
            self.contents = f.contents;
        }
        self.date_updated = Some(super::participants::whole_seconds(ctx.now));
        Ok(())
    }
}

/// A bin's contents for its `request_url`, counting the fetch; `None` if no project has it.
pub(crate) fn serve<'a>(
    projects: impl Iterator<Item = &'a mut Tables>,
    sid: &Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    for tables in projects {
        if let Some(bin) = tables.rows_mut::<LamlBin>().get_mut(sid) {
            bin.num_requests = Some(bin.num_requests.unwrap_or(0) + 1);
            bin.date_last_accessed = Some(super::participants::whole_seconds(now));
            return Some(bin.contents.clone().unwrap_or_default());
        }
    }
    None
}
