//! What is a message's own, beside its generated listing, sending, fetch, update and
//! removal: redacting it.

use std::future::Future;

use crate::{Error, Message, MessageHandle};

impl MessageHandle {
    /// Blanks the message's body for good (`Body=""`), the one change a message takes. A
    /// message still on its way (queued or sending) is refused by the server with 422.
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// let redacted = client
    ///     .message("b3877c40-da60-4998-90ad-b792e98472ca")
    ///     .redact()
    ///     .await?;
    /// assert_eq!(redacted.body.as_deref(), Some(""));
    /// # Ok(()) }
    /// ```
    pub fn redact(&self) -> impl Future<Output = Result<Message, Error>> + Send + 'static + use<> {
        self.update("").send()
    }
}
