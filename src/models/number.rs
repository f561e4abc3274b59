//! What a phone number's calls are taken as.

crate::models::open_enum! {
    /// Whether a number takes its calls as calls or as faxes. Any other text is kept in
    /// [`VoiceReceiveMode::Other`].
    pub enum VoiceReceiveMode {
        /// `voice`: its calls are calls (when not given).
        Voice = "voice",
        /// `fax`: its calls are faxes.
        Fax = "fax",
    }
}
