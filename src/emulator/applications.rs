//! Applications in the emulator: what a create and an update do. Listing, fetching and
//! deleting are the store's.
//!
//! A method not given is `POST`, as SignalWire documents; `voice_caller_id_lookup` is null,
//! as SignalWire always writes it; `message_status_callback` follows `SmsStatusCallback`.

use super::{
    response::Refusal,
    store::{Ctx, Emulated},
};
use crate::{Application, CallbackMethod, api::generated::ApplicationCreate};

fn method(given: Option<CallbackMethod>) -> Option<String> {
    Some(match given.unwrap_or(CallbackMethod::Post) {
        CallbackMethod::Get => "GET".into(),
        CallbackMethod::Post => "POST".into(),
    })
}

impl Emulated for Application {
    type Create = ApplicationCreate;
    type Update = crate::api::generated::ApplicationUpdate;

    fn create(ctx: &Ctx<'_>, f: ApplicationCreate) -> Result<Self, Refusal> {
        let now = Some(super::participants::whole_seconds(ctx.now));
        Ok(Application {
            sid: ctx.sid.into(),
            account_sid: ctx.account.into(),
            friendly_name: f.friendly_name,
            voice_url: f.voice_url,
            voice_method: method(f.voice_method),
            voice_fallback_url: f.voice_fallback_url,
            voice_fallback_method: method(f.voice_fallback_method),
            voice_caller_id_lookup: None,
            status_callback: f.status_callback,
            status_callback_method: method(f.status_callback_method),
            sms_url: f.sms_url,
            sms_method: method(f.sms_method),
            sms_fallback_url: f.sms_fallback_url,
            sms_fallback_method: method(f.sms_fallback_method),
            message_status_callback: f.sms_status_callback.clone(),
            sms_status_callback: f.sms_status_callback,
            sms_status_callback_method: method(f.sms_status_callback_method),
            date_created: now,
            date_updated: now,
            api_version: Some("2010-04-01".into()),
            uri: Some(ctx.uri(Self::meta(), &ctx.sid)),
        })
    }

    fn update(&mut self, ctx: &Ctx<'_>, f: Self::Update) -> Result<(), Refusal> {
        // An empty URL clears it (the store lets an update send one).
        let text = |slot: &mut Option<String>, given: Option<String>| {
            if let Some(given) = given {
                *slot = (!given.is_empty()).then_some(given);
            }
        };
        let verb = |slot: &mut Option<String>, given: Option<CallbackMethod>| {
            if given.is_some() {
                *slot = method(given);
            }
        };
        text(&mut self.friendly_name, f.friendly_name);
        text(&mut self.voice_url, f.voice_url);
        verb(&mut self.voice_method, f.voice_method);
        text(&mut self.voice_fallback_url, f.voice_fallback_url);
        verb(&mut self.voice_fallback_method, f.voice_fallback_method);
        text(&mut self.status_callback, f.status_callback);
        verb(&mut self.status_callback_method, f.status_callback_method);
        text(&mut self.sms_url, f.sms_url);
        verb(&mut self.sms_method, f.sms_method);
        text(&mut self.sms_fallback_url, f.sms_fallback_url);
        verb(&mut self.sms_fallback_method, f.sms_fallback_method);
        text(
            &mut self.message_status_callback,
            f.sms_status_callback.clone(),
        );
        text(&mut self.sms_status_callback, f.sms_status_callback);
        verb(
            &mut self.sms_status_callback_method,
            f.sms_status_callback_method,
        );
        self.date_updated = Some(super::participants::whole_seconds(ctx.now));
        Ok(())
    }
}
