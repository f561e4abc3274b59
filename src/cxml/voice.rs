//! The voice verbs and nouns, as SignalWire documents them, and fax's two verbs.

use super::{Events, attr_enum, children, element, response};
use crate::CallbackMethod;

attr_enum! {
    /// Whether a beep plays as callers enter and leave a conference.
    pub enum Beep {
        /// On entering and leaving (the default).
        True = "true",
        /// Never.
        False = "false",
        /// On entering only.
        OnEnter = "onEnter",
        /// On leaving only.
        OnExit = "onExit",
    }
}

attr_enum! {
    /// Whether silence at the start and end of a recording is cut.
    pub enum Trim {
        /// Cut it.
        TrimSilence = "trim-silence",
        /// Keep it.
        DoNotTrim = "do-not-trim",
    }
}

attr_enum! {
    /// What a rejected call hears.
    pub enum RejectReason {
        /// A rejection (the default).
        Rejected = "rejected",
        /// A busy signal.
        Busy = "busy",
    }
}

attr_enum! {
    /// Which audio of a dialed call is recorded.
    pub enum RecordingTrack {
        /// What the called party sends.
        Inbound = "inbound",
        /// What is sent to the called party.
        Outbound = "outbound",
        /// Both (the default).
        Both = "both",
    }
}

attr_enum! {
    /// Which audio a `<Stream>` carries.
    pub enum StreamTrack {
        /// What the call sends (the default).
        Inbound = "inbound_track",
        /// What is played to the call.
        Outbound = "outbound_track",
        /// Both.
        Both = "both_tracks",
    }
}

attr_enum! {
    /// Whether and how a `<Dial>` records the call.
    pub enum DialRecord {
        /// No recording (the default).
        DoNotRecord = "do-not-record",
        /// From the answer, both legs in one channel.
        FromAnswer = "record-from-answer",
        /// From the ringing, in one channel.
        FromRinging = "record-from-ringing",
        /// From the answer, a channel a leg.
        FromAnswerDual = "record-from-answer-dual",
        /// From the ringing, a channel a leg.
        FromRingingDual = "record-from-ringing-dual",
    }
}

attr_enum! {
    /// Whether a conference is recorded.
    pub enum ConferenceRecord {
        /// No recording (the default).
        DoNotRecord = "do-not-record",
        /// From when it starts.
        FromStart = "record-from-start",
    }
}

attr_enum! {
    /// What a `<Gather>` listens for.
    pub enum GatherInput {
        /// Keypresses (the default).
        Dtmf = "dtmf",
        /// Speech.
        Speech = "speech",
    }
}

attr_enum! {
    /// A recording's status, as a recording status callback reports it.
    pub enum RecordingEvent {
        /// It has started.
        InProgress = "in-progress",
        /// It is ready.
        Completed = "completed",
        /// It had no audio.
        Absent = "absent",
        /// It failed.
        Failed = "failed",
    }
}

attr_enum! {
    /// A dialed call's progress, as its status callback reports it.
    pub enum CallEvent {
        /// Dialing began.
        Initiated = "initiated",
        /// It rings.
        Ringing = "ringing",
        /// It was answered.
        Answered = "answered",
        /// It ended.
        Completed = "completed",
        /// It rings at a number it was forwarded to (REST API calls only).
        RingingForwarded = "ringing_forwarded",
        /// It rings while queued (REST API calls only).
        RingingQueued = "ringing_queued",
    }
}

attr_enum! {
    /// A change to a conference, as its status callback reports it.
    pub enum ConferenceEvent {
        /// It started.
        Start = "start",
        /// It ended.
        End = "end",
        /// A participant joined.
        Join = "join",
        /// A participant left.
        Leave = "leave",
        /// A participant was muted or unmuted.
        Mute = "mute",
        /// A participant was held or taken off hold.
        Hold = "hold",
        /// A participant was changed.
        Modify = "modify",
        /// A participant started or stopped speaking.
        Speaker = "speaker",
        /// An announcement started or ended.
        Announcement = "announcement",
    }
}

attr_enum! {
    /// How long an SSML `<break>` is, by strength rather than time.
    pub enum BreakStrength {
        /// No pause.
        None = "none",
        /// The shortest.
        XWeak = "x-weak",
        /// Short.
        Weak = "weak",
        /// Medium.
        Medium = "medium",
        /// Long.
        Strong = "strong",
        /// The longest.
        XStrong = "x-strong",
    }
}

attr_enum! {
    /// How strongly SSML `<emphasis>` stresses its words.
    pub enum EmphasisLevel {
        /// Louder and slower.
        Strong = "strong",
        /// Somewhat (the default).
        Moderate = "moderate",
        /// Quieter and faster.
        Reduced = "reduced",
    }
}

element! {
    /// SSML `<break>`: a pause in speech.
    pub struct Break("break") empty {
        /// How long, by strength.
        strength: BreakStrength = "strength",
        /// How long, as `500ms` or `2s` (at most 10 s).
        time: String = "time",
    }
}

element! {
    /// SSML `<emphasis>`: words spoken with stress.
    pub struct Emphasis("emphasis") (text and children: SayPart) {
        /// How much.
        level: EmphasisLevel = "level",
    }
}

element! {
    /// SSML `<lang>`: words in another language.
    pub struct Lang("lang") (text and children: SayPart) {
        /// The language, such as `fr-FR`.
        lang: String = "xml:lang",
    }
}

element! {
    /// SSML `<p>`: a paragraph, with a pause after it.
    pub struct Paragraph("p") (text and children: SayPart) {}
}

element! {
    /// SSML `<phoneme>`: words pronounced as spelled phonetically.
    pub struct Phoneme("phoneme") text {
        /// The phonetic alphabet: `ipa` or `x-sampa`.
        alphabet: String = "alphabet",
        /// The pronunciation.
        ph: String = "ph",
    }
}

element! {
    /// SSML `<prosody>`: words spoken louder, higher or faster.
    pub struct Prosody("prosody") (text and children: SayPart) {
        /// The pitch, such as `-10%` or `high`.
        pitch: String = "pitch",
        /// The rate, such as `85%` or `slow`.
        rate: String = "rate",
        /// The volume, such as `-6dB` or `loud`.
        volume: String = "volume",
    }
}

element! {
    /// SSML `<s>`: a sentence, with a pause after it.
    pub struct Sentence("s") (text and children: SayPart) {}
}

element! {
    /// SSML `<say-as>`: words interpreted as a kind of text (spelled out, a date, …).
    pub struct SayAs("say-as") text {
        /// What they are: `spell-out`, `cardinal`, `ordinal`, `digits`, `date`, …
        interpret_as: String = "interpret-as",
        /// For a date, its order (`mdy`, `dmy`, …).
        format: String = "format",
    }
}

element! {
    /// SSML `<sub>`: a word pronounced as another.
    pub struct Sub("sub") text {
        /// What is said instead.
        alias: String = "alias",
    }
}

children! {
    /// What `<Say>` speaks: text, and the SSML that shapes it.
    pub enum SayPart in "Say" {
        /// A pause.
        Break(Break),
        /// Stressed words.
        Emphasis(Emphasis),
        /// Words in another language.
        Lang(Lang),
        /// A paragraph.
        Paragraph(Paragraph),
        /// Phonetic words.
        Phoneme(Phoneme),
        /// Louder, higher or faster words.
        Prosody(Prosody),
        /// A sentence.
        Sentence(Sentence),
        /// Words of a kind.
        SayAs(SayAs),
        /// A substitute.
        Sub(Sub),
    }
    text
    /// Text to speak.
    Text
}

element! {
    /// `<Say>`: speaks its text (with any SSML in it) to the caller.
    pub struct Say("Say") (text and children: SayPart) {
        /// The voice: `man`, `woman` (the default), `alice`, or a provider's voice such as
        /// `Polly.Joanna`.
        voice: String = "voice",
        /// The language and accent, such as `en-US`.
        language: String = "language",
        /// How many times to speak it; 0 repeats until the call ends.
        loops: u32 = "loop",
    }
}

element! {
    /// `<Play>`: plays the audio file at its URL, or (with `digits`) plays keypresses.
    pub struct Play("Play") text {
        /// Keypresses to play (`0`–`9`, `*`, `#`, `w` for half a second's wait).
        digits: String = "digits",
        /// How many times to play it; 0 repeats until the call ends.
        loops: u32 = "loop",
    }
}

element! {
    /// `<Pause>`: waits in silence.
    pub struct Pause("Pause") empty {
        /// How many seconds (1 by default).
        length: u32 = "length",
    }
}

children! {
    /// What a `<Gather>` may say or play while it listens.
    pub enum GatherPrompt in "Gather" {
        /// Speech.
        Say(Say),
        /// Audio.
        Play(Play),
        /// Silence.
        Pause(Pause),
    }
}

element! {
    /// `<Gather>`: collects keypresses or speech, and sends them to `action`.
    pub struct Gather("Gather") (children: GatherPrompt) {
        /// Where the result is sent.
        action: String = "action",
        /// Whether `action` is asked even when nothing was gathered.
        action_on_empty_result: bool = "actionOnEmptyResult",
        /// Whether the enhanced speech model is used.
        enhanced: bool = "enhanced",
        /// The key that ends the input (`#` by default).
        finish_on_key: String = "finishOnKey",
        /// Words or phrases speech recognition should expect, separated by commas.
        hints: String = "hints",
        /// What it listens for: keypresses, speech, or both.
        input: Events<GatherInput> = "input",
        /// The language of the speech, such as `en-US` (the default).
        language: String = "language",
        /// How `action` is asked.
        method: CallbackMethod = "method",
        /// How many keypresses to collect.
        num_digits: u32 = "numDigits",
        /// Where partial speech results are sent as they come.
        partial_result_callback: String = "partialResultCallback",
        /// How `partialResultCallback` is asked.
        partial_result_callback_method: CallbackMethod = "partialResultCallbackMethod",
        /// Whether profanity is masked (true by default).
        profanity_filter: bool = "profanityFilter",
        /// The speech model.
        speech_model: String = "speechModel",
        /// Seconds of silence that end speech, or `auto`.
        speech_timeout: String = "speechTimeout",
        /// Seconds to wait for input (5 by default).
        timeout: u32 = "timeout",
    }
}

impl Gather {
    /// Says `text` while listening.
    pub fn say(self, say: Say) -> Self {
        self.push(say)
    }
    /// Plays audio while listening.
    pub fn play(self, play: Play) -> Self {
        self.push(play)
    }
}

element! {
    /// `<Number>`: a phone number to dial.
    pub struct Number("Number") text {
        /// How `url` is asked.
        method: CallbackMethod = "method",
        /// Keypresses to send once the call is answered.
        send_digits: String = "sendDigits",
        /// Where the dialed call's status is sent.
        status_callback: String = "statusCallback",
        /// Which of its changes are sent.
        status_callback_event: Events<CallEvent> = "statusCallbackEvent",
        /// How `statusCallback` is asked.
        status_callback_method: CallbackMethod = "statusCallbackMethod",
        /// cXML for the called party to hear before the calls are connected.
        url: String = "url",
    }
}

children! {
    /// What a `<Conference>` holds: its name, and a stream of its audio.
    pub enum ConferencePart in "Conference" {
        /// A stream of the conference's audio, started as the participant enters.
        Stream(Stream),
    }
    text
    /// The room's name.
    Text
}

element! {
    /// `<Conference>`: a conference room to join, by name.
    pub struct Conference("Conference") (text and children: ConferencePart) {
        /// Whether a beep plays as callers enter and leave.
        beep: Beep = "beep",
        /// The call SID of a participant this one coaches.
        coach: String = "coach",
        /// Whether the conference ends when this participant leaves.
        end_conference_on_exit: bool = "endConferenceOnExit",
        /// Where conference events are sent.
        event_callback_url: String = "eventCallbackUrl",
        /// The most participants the room takes.
        max_participants: u32 = "maxParticipants",
        /// Whether this participant joins muted.
        muted: bool = "muted",
        /// Whether the conference is recorded.
        record: ConferenceRecord = "record",
        /// Where the recording's status is sent.
        recording_status_callback: String = "recordingStatusCallback",
        /// Which of its changes are sent.
        recording_status_callback_event: Events<RecordingEvent> = "recordingStatusCallbackEvent",
        /// How `recordingStatusCallback` is asked.
        recording_status_callback_method: CallbackMethod = "recordingStatusCallbackMethod",
        /// Whether the conference starts when this participant enters (true by default).
        start_conference_on_enter: bool = "startConferenceOnEnter",
        /// Where the conference's changes are sent.
        status_callback: String = "statusCallback",
        /// Which of them are sent.
        status_callback_event: Events<ConferenceEvent> = "statusCallbackEvent",
        /// How `statusCallback` is asked.
        status_callback_method: CallbackMethod = "statusCallbackMethod",
        /// Whether silence is cut from the recording.
        trim: Trim = "trim",
        /// How `waitUrl` is asked.
        wait_method: CallbackMethod = "waitMethod",
        /// What participants hear until the conference starts.
        wait_url: String = "waitUrl",
    }
}

element! {
    /// `<Sip>`: a SIP address to dial (`sip:alice@example.com`).
    pub struct Sip("Sip") text {
        /// The codecs to offer, separated by commas (`PCMU,PCMA` by default).
        codecs: String = "codecs",
        /// How `url` is asked.
        method: CallbackMethod = "method",
        /// The password to authenticate with.
        password: String = "password",
        /// The SIP session timer, in seconds.
        session_timeout: u32 = "sessionTimeout",
        /// Where the dialed call's status is sent.
        status_callback: String = "statusCallback",
        /// Which of its changes are sent.
        status_callback_event: Events<CallEvent> = "statusCallbackEvent",
        /// How `statusCallback` is asked.
        status_callback_method: CallbackMethod = "statusCallbackMethod",
        /// cXML for the called party to hear before the calls are connected.
        url: String = "url",
        /// The user name to authenticate with.
        username: String = "username",
    }
}

element! {
    /// `<Queue>`: a queue to take the next caller from, by name.
    pub struct Queue("Queue") text {
        /// How `url` is asked.
        method: CallbackMethod = "method",
        /// cXML for the dequeued caller to hear before the calls are connected.
        url: String = "url",
    }
}

element! {
    /// `<Verto>`: a Verto (WebRTC) endpoint to dial.
    pub struct Verto("Verto") text {}
}

children! {
    /// What a `<Dial>` may dial: nouns, or a bare phone number.
    pub enum DialNoun in "Dial" {
        /// A phone number.
        Number(Number),
        /// A conference room.
        Conference(Conference),
        /// A SIP address.
        Sip(Sip),
        /// A queue.
        Queue(Queue),
        /// A Verto endpoint.
        Verto(Verto),
    }
    text
    /// A phone number given as the `<Dial>`'s own text.
    Phone
}

element! {
    /// `<Dial>`: connects the caller to another party.
    pub struct Dial("Dial") (children: DialNoun) {
        /// Where the outcome is sent when the dialed call ends.
        action: String = "action",
        /// Whether the caller hears ringing until the called party answers.
        answer_on_bridge: bool = "answerOnBridge",
        /// The caller ID to present.
        caller_id: String = "callerId",
        /// The caller name to present.
        caller_name: String = "callerName",
        /// Whether the caller can hang up the dialed call with `*`.
        hangup_on_star: bool = "hangupOnStar",
        /// How `action` is asked.
        method: CallbackMethod = "method",
        /// Whether and how the call is recorded.
        record: DialRecord = "record",
        /// Where the recording's status is sent.
        recording_status_callback: String = "recordingStatusCallback",
        /// Which of its changes are sent.
        recording_status_callback_event: Events<RecordingEvent> = "recordingStatusCallbackEvent",
        /// How `recordingStatusCallback` is asked.
        recording_status_callback_method: CallbackMethod = "recordingStatusCallbackMethod",
        /// Where the recording is also stored.
        recording_storage_url: String = "recordingStorageUrl",
        /// How it is sent there (`POST` or `PUT`).
        recording_storage_url_method: String = "recordingStorageUrlMethod",
        /// Which audio is recorded.
        recording_track: RecordingTrack = "recordingTrack",
        /// The ringback tone's country (`us`, `uk`, …).
        ring_tone: String = "ringTone",
        /// The longest the call may last, in seconds (14,400 by default).
        time_limit: u32 = "timeLimit",
        /// Seconds to wait for an answer (30 by default).
        timeout: u32 = "timeout",
        /// Whether silence is cut from the recording.
        trim: Trim = "trim",
    }
}

impl Dial {
    /// A `<Dial>` of a phone number given as its text.
    pub fn to_phone(number: impl Into<String>) -> Self {
        Self::new().push(DialNoun::Phone(number.into()))
    }
    /// Dials a `<Number>`.
    pub fn number(self, number: Number) -> Self {
        self.push(number)
    }
    /// Joins a `<Conference>`.
    pub fn conference(self, conference: Conference) -> Self {
        self.push(conference)
    }
    /// Dials a `<Sip>` address.
    pub fn sip(self, sip: Sip) -> Self {
        self.push(sip)
    }
    /// Takes a caller from a `<Queue>`.
    pub fn queue(self, queue: Queue) -> Self {
        self.push(queue)
    }
}

element! {
    /// `<Record>`: records the caller, and sends the recording to `action`.
    pub struct Record("Record") empty {
        /// Where the recording is sent when it ends.
        action: String = "action",
        /// Keys that end the recording.
        finish_on_key: String = "finishOnKey",
        /// The longest recording, in seconds.
        max_length: u32 = "maxLength",
        /// How `action` is asked.
        method: CallbackMethod = "method",
        /// Whether a beep plays before it starts (true by default).
        play_beep: bool = "playBeep",
        /// Where the recording's status is sent.
        recording_status_callback: String = "recordingStatusCallback",
        /// Which of its changes are sent.
        recording_status_callback_event: Events<RecordingEvent> = "recordingStatusCallbackEvent",
        /// How `recordingStatusCallback` is asked.
        recording_status_callback_method: CallbackMethod = "recordingStatusCallbackMethod",
        /// Where the recording is also stored.
        storage_url: String = "storageUrl",
        /// How it is sent there (`POST` or `PUT`).
        storage_url_method: String = "storageUrlMethod",
        /// Seconds of silence that end it.
        timeout: u32 = "timeout",
        /// Whether it is transcribed.
        transcribe: bool = "transcribe",
        /// Where the transcription is sent.
        transcribe_callback: String = "transcribeCallback",
        /// Whether silence is cut.
        trim: Trim = "trim",
    }
}

element! {
    /// `<Hangup>`: ends the call.
    pub struct Hangup("Hangup") empty {}
}

element! {
    /// `<Redirect>`: continues with the cXML at its URL.
    pub struct Redirect("Redirect") text {
        /// How the URL is asked.
        method: CallbackMethod = "method",
    }
}

element! {
    /// `<Reject>`: refuses the call without answering it (for fax, refuses the fax).
    pub struct Reject("Reject") empty {
        /// What the caller hears.
        reason: RejectReason = "reason",
    }
}

element! {
    /// `<Enqueue>`: puts the caller in a queue, by name.
    pub struct Enqueue("Enqueue") text {
        /// Where the outcome is sent when the caller leaves the queue.
        action: String = "action",
        /// How `action` is asked.
        method: CallbackMethod = "method",
        /// What the caller hears while waiting.
        wait_url: String = "waitUrl",
        /// How `waitUrl` is asked.
        wait_url_method: CallbackMethod = "waitUrlMethod",
    }
}

element! {
    /// `<Leave>`: takes the caller out of its queue; the document goes on after `<Enqueue>`.
    pub struct Leave("Leave") empty {}
}

element! {
    /// `<Echo>`: plays the caller's audio back to it, to test a line.
    pub struct Echo("Echo") empty {
        /// How many seconds (60 by default).
        timeout: u32 = "timeout",
    }
}

element! {
    /// `<Denoise>`: turns noise reduction of the call `on` or `off` from now on.
    pub struct Denoise("Denoise") text {}
}

element! {
    /// `<Sms>`: sends a text message during the call.
    pub struct Sms("Sms") text {
        /// Where the outcome is sent.
        action: String = "action",
        /// The number it is sent from.
        from: String = "from",
        /// How `action` is asked.
        method: CallbackMethod = "method",
        /// Where the message's status is sent.
        status_callback: String = "statusCallback",
        /// The number it is sent to.
        to: String = "to",
    }
}

element! {
    /// `<Parameter>`: a name and value a `<Stream>` passes to its WebSocket server.
    pub struct Parameter("Parameter") empty {
        /// Its name.
        name: String = "name",
        /// Its value.
        value: String = "value",
    }
}

children! {
    /// What a `<Stream>` may hold.
    pub enum StreamParameter in "Stream" {
        /// A custom parameter.
        Parameter(Parameter),
    }
}

element! {
    /// `<Stream>`: streams the call's audio to a WebSocket server (inside `<Start>`, one way;
    /// inside `<Connect>`, both ways).
    pub struct Stream("Stream") (children: StreamParameter) {
        /// The server's `wss://` URL.
        url: String = "url",
        /// A bearer token the server is given.
        auth_bearer_token: String = "authBearerToken",
        /// Whether both directions are streamed (with `<Connect>`).
        bidir: bool = "bidir",
        /// The codec (`PCMU@8000h` by default).
        codec: String = "codec",
        /// Its name, to stop it by.
        name: String = "name",
        /// Whether audio is sent as it happens.
        realtime: bool = "realtime",
        /// Where its status is sent.
        status_callback: String = "statusCallback",
        /// How `statusCallback` is asked.
        status_callback_method: CallbackMethod = "statusCallbackMethod",
        /// Whether the server's certificate is checked.
        stream_ssl_validate_certificate: bool = "streamSslValidateCertificate",
        /// Whether a conference starts when the stream enters it.
        stream_start_conference_on_enter: bool = "streamStartConferenceOnEnter",
        /// Which audio it carries.
        track: StreamTrack = "track",
    }
}

element! {
    /// `<Room>`: a video room to connect to, by name.
    pub struct Room("Room") text {}
}

element! {
    /// `<VirtualAgent>`: an AI agent to connect the call to.
    pub struct VirtualAgent("VirtualAgent") empty {
        /// The connector's name.
        connector_name: String = "connectorName",
    }
}

children! {
    /// What a `<Connect>` may connect to.
    pub enum ConnectNoun in "Connect" {
        /// A two-way stream.
        Stream(Stream),
        /// A video room.
        Room(Room),
        /// An AI agent.
        VirtualAgent(VirtualAgent),
    }
}

element! {
    /// `<Connect>`: connects the call to a stream, a room or an agent.
    pub struct Connect("Connect") (children: ConnectNoun) {
        /// Where the outcome is sent when the connection ends.
        action: String = "action",
        /// How `action` is asked.
        method: CallbackMethod = "method",
    }
}

children! {
    /// What a `<Start>` may start.
    pub enum StartNoun in "Start" {
        /// A one-way stream.
        Stream(Stream),
    }
}

element! {
    /// `<Start>`: starts something that runs beside the call (a stream).
    pub struct Start("Start") (children: StartNoun) {}
}

element! {
    /// `<Stop>`: stops what `<Start>` started (a stream, by its name).
    pub struct Stop("Stop") (children: StartNoun) {}
}

children! {
    /// What a `<Pay>` or its `<Prompt>` may say or play.
    pub enum PayPart in "Pay" {
        /// What is said or played when it asks for something.
        Prompt(Prompt),
        /// A custom parameter passed to the payment connector.
        Parameter(Parameter),
    }
}

element! {
    /// `<Prompt>`: what a `<Pay>` says or plays when it asks for one thing.
    pub struct Prompt("Prompt") (children: GatherPrompt) {
        /// What it asks for: `payment-card-number`, `expiration-date`, `security-code`,
        /// `postal-code`, `payment-processing`, …
        r#for: String = "for",
        /// On which attempts it is used, separated by spaces.
        attempt: String = "attempt",
        /// For which card types, separated by spaces.
        card_type: String = "cardType",
        /// After which errors, separated by spaces.
        error_type: String = "errorType",
    }
}

element! {
    /// `<Pay>`: collects a payment from the caller and charges it through a connector.
    pub struct Pay("Pay") (children: PayPart) {
        /// Where the outcome is sent.
        action: String = "action",
        /// The amount to charge, as a decimal (`20.45`); none tokenizes the card.
        charge_amount: String = "chargeAmount",
        /// The currency (`usd` by default).
        currency: String = "currency",
        /// A description of the charge.
        description: String = "description",
        /// How it is entered (`dtmf`).
        input: String = "input",
        /// The language of the prompts (`en-us` by default).
        language: String = "language",
        /// How many times it asks again after an error (1 by default).
        max_attempts: u32 = "maxAttempts",
        /// The shortest postal code taken.
        min_postal_code_length: u32 = "minPostalCodeLength",
        /// The payment connector's URL.
        payment_connector_url: String = "paymentConnectorUrl",
        /// `credit-card` (the default) or `ach-debit`.
        payment_method: String = "paymentMethod",
        /// Whether the postal code is asked, or the postal code itself.
        postal_code: String = "postalCode",
        /// Whether the security code is asked (true by default).
        security_code: bool = "securityCode",
        /// Where its progress is sent.
        status_callback: String = "statusCallback",
        /// Seconds to wait for each input (5 by default).
        timeout: u32 = "timeout",
        /// `reusable` (the default) or `one-time`.
        token_type: String = "tokenType",
        /// The card types taken, separated by spaces.
        valid_card_types: String = "validCardTypes",
    }
}

children! {
    /// Where a `<Refer>` transfers the call.
    pub enum ReferTarget in "Refer" {
        /// A SIP address.
        Sip(Sip),
    }
}

element! {
    /// `<Refer>`: transfers a SIP call elsewhere with a SIP REFER.
    pub struct Refer("Refer") (children: ReferTarget) {
        /// Where the outcome is sent.
        action: String = "action",
        /// How `action` is asked.
        method: CallbackMethod = "method",
    }
}

children! {
    /// A voice verb: what a `<Response>` to a call may hold.
    pub enum VoiceVerb in "Response" {
        /// Speaks.
        Say(Say),
        /// Plays audio.
        Play(Play),
        /// Waits.
        Pause(Pause),
        /// Collects input.
        Gather(Gather),
        /// Connects to another party.
        Dial(Dial),
        /// Records.
        Record(Record),
        /// Ends the call.
        Hangup(Hangup),
        /// Continues elsewhere.
        Redirect(Redirect),
        /// Refuses the call.
        Reject(Reject),
        /// Queues the caller.
        Enqueue(Enqueue),
        /// Leaves the queue.
        Leave(Leave),
        /// Echoes the caller.
        Echo(Echo),
        /// Reduces noise.
        Denoise(Denoise),
        /// Sends a text message.
        Sms(Sms),
        /// Connects to a stream, room or agent.
        Connect(Connect),
        /// Starts a stream.
        Start(Start),
        /// Transfers a SIP call.
        Refer(Refer),
        /// Stops a stream.
        Stop(Stop),
        /// Takes a payment.
        Pay(Pay),
    }
}

response! {
    /// A voice document: what a call's URL answers.
    pub struct VoiceResponse of VoiceVerb;
}

impl VoiceResponse {
    /// Adds `<Say>`.
    pub fn say(self, say: Say) -> Self {
        self.push(say)
    }
    /// Adds `<Play>`.
    pub fn play(self, play: Play) -> Self {
        self.push(play)
    }
    /// Adds `<Pause>`.
    pub fn pause(self, pause: Pause) -> Self {
        self.push(pause)
    }
    /// Adds `<Gather>`.
    pub fn gather(self, gather: Gather) -> Self {
        self.push(gather)
    }
    /// Adds `<Dial>`.
    pub fn dial(self, dial: Dial) -> Self {
        self.push(dial)
    }
    /// Adds `<Record>`.
    pub fn record(self, record: Record) -> Self {
        self.push(record)
    }
    /// Adds `<Hangup>`.
    pub fn hangup(self) -> Self {
        self.push(Hangup::new())
    }
    /// Adds `<Redirect>`.
    pub fn redirect(self, redirect: Redirect) -> Self {
        self.push(redirect)
    }
}

children! {
    /// A fax verb: what a `<Response>` to a fax may hold.
    pub enum FaxVerb in "Response" {
        /// Receives the fax.
        Receive(Receive),
        /// Refuses it.
        Reject(Reject),
    }
}

attr_enum! {
    /// The format a received fax is stored in.
    pub enum FaxMediaType {
        /// PDF (the default).
        Pdf = "application/pdf",
        /// TIFF.
        Tiff = "image/tiff",
    }
}

element! {
    /// `<Receive>`: receives the fax, and sends its outcome to `action`.
    pub struct Receive("Receive") empty {
        /// Where the outcome is sent.
        action: String = "action",
        /// The format it is stored in.
        media_type: FaxMediaType = "mediaType",
        /// How `action` is asked.
        method: CallbackMethod = "method",
        /// The paper size (`letter` by default, `legal`, `a4`).
        page_size: String = "pageSize",
    }
}

response! {
    /// A fax document: what a fax's URL answers.
    pub struct FaxResponse of FaxVerb;
}
