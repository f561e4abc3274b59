//! Applications in the emulator: what a create and an update do. Listing, fetching and
//! deleting are the store's.
//!
//! A new application is a blank one (every method `POST`, as SignalWire documents;
//! `voice_caller_id_lookup` null, as SignalWire writes it) changed by its form.
//! `message_status_callback` follows `SmsStatusCallback`; an empty URL clears it.

use super::{
    participants::whole_seconds,
    response::Refusal,
    store::{Ctx, Emulated, method_text, set_method, set_text},
};
use crate::{
    Application, CallbackMethod,
    api::generated::{ApplicationCreate, ApplicationUpdate},
};

impl Emulated for Application {
    type Create = ApplicationCreate;
    type Update = ApplicationUpdate;

    fn create(ctx: &Ctx<'_>, form: ApplicationCreate) -> Result<Self, Refusal> {
        let post = method_text(CallbackMethod::Post);
        let mut row = Application {
            sid: ctx.sid.into(),
            account_sid: ctx.account.into(),
            friendly_name: None,
            voice_url: None,
            voice_method: post.clone(),
            voice_fallback_url: None,
            voice_fallback_method: post.clone(),
            voice_caller_id_lookup: None,
            status_callback: None,
            status_callback_method: post.clone(),
            sms_url: None,
            sms_method: post.clone(),
            sms_fallback_url: None,
            sms_fallback_method: post.clone(),
            message_status_callback: None,
            sms_status_callback: None,
            sms_status_callback_method: post,
            date_created: Some(whole_seconds(ctx.now)),
            date_updated: None,
            api_version: Some("2010-04-01".into()),
            uri: Some(ctx.uri(Self::meta(), &ctx.sid)),
        };
        row.update(ctx, form.into())?;
        Ok(row)
    }

    fn update(&mut self, ctx: &Ctx<'_>, f: ApplicationUpdate) -> Result<(), Refusal> {
        // An empty URL clears it (the store lets an update send one).
        let (text, verb) = (set_text, set_method);
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
        self.date_updated = Some(whole_seconds(ctx.now));
        Ok(())
    }
}
