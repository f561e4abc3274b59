//! What is a conference's own, beside the generated listing and fetch: finding one by name,
//! ending it, announcing to it, and reaching its streams.

mod update;

use std::future::Future;

use futures_util::TryStreamExt as _;

use crate::{
    CallbackMethod, Conference, ConferenceHandle, ConferenceStatus, Conferences, Error, error::Repr,
};

impl Conferences {
    /// The conference in progress named `name`: the one conference whose friendly name is
    /// exactly `name` and whose status is `in-progress`.
    ///
    /// Fails with [`ErrorKind::NoSuchName`](crate::ErrorKind::NoSuchName) when there is none
    /// (also [`Error::is_not_found`]), and with
    /// [`ErrorKind::AmbiguousName`](crate::ErrorKind::AmbiguousName), listing their SIDs,
    /// when there are several.
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// let standup = client.conferences().find_by_name("Daily standup").await?;
    /// client.conference(&standup.sid).end().await?;
    /// # Ok(()) }
    /// ```
    pub fn find_by_name(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Conference, Error>> + Send + 'static + use<> {
        let listing = self
            .list()
            .friendly_name(name)
            .status(ConferenceStatus::InProgress)
            // A name is shared by few conferences; a few pages are plenty to tell.
            .page_size(50)
            .max_pages(20);
        let name = name.to_owned();
        async move {
            let mut found: Vec<Conference> = listing.stream().try_collect().await?;
            // A server that ignores the filters must not make another conference match.
            found.retain(|c| {
                c.friendly_name.as_deref() == Some(name.as_str())
                    && c.status == ConferenceStatus::InProgress
            });
            match found.len() {
                1 => Ok(found.remove(0)),
                0 => Err(Repr::NoSuchName { name }.into()),
                _ => Err(Repr::AmbiguousName {
                    name,
                    candidates: found.into_iter().map(|c| c.sid.to_string()).collect(),
                }
                .into()),
            }
        }
    }
}

impl ConferenceHandle {
    /// Ends the conference (`Status=completed`): every participant is taken out. Ending a
    /// conference that is already over changes nothing.
    pub fn end(&self) -> impl Future<Output = Result<Conference, Error>> + Send + 'static + use<> {
        self.update().end().send()
    }

    /// Plays the cXML or audio at `url` to everyone in the conference, fetched with `POST`
    /// (the server's default); use [`update`](Self::update) to choose the method.
    pub fn announce(
        &self,
        url: &str,
    ) -> impl Future<Output = Result<Conference, Error>> + Send + 'static + use<> {
        self.update()
            .announce_url(url)
            .announce_method(CallbackMethod::Post)
            .send()
    }
}
