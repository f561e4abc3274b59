//! `conferences`' own commands: end one, and announce to everyone in one. Listing, showing
//! and changing them are the generic commands.

use signalwire_compat::{__private::Described, CallbackMethod, Client};

use crate::{
    Context, Failure,
    args::{Conferences, Output},
};

pub(crate) async fn run(
    client: &Client,
    command: Conferences,
    output: Output,
) -> Result<(), Failure> {
    crate::resources::check_columns(<signalwire_compat::Conference as Described>::META)
        .map_err(Failure::Usage)?;
    let target = match &command {
        Conferences::End(t) => t,
        Conferences::Announce(args) => &args.target,
    };
    let context = Context {
        conference: Some(target.conference.clone()),
        call: None,
        hint: None,
        resource: None,
    };
    let conference = crate::conference(client, &target.conference).await?;
    let fail = |e| Failure::Api(e, context.clone());
    let shown = match command {
        Conferences::End(_) => conference.end().await.map_err(fail)?,
        Conferences::Announce(args) => {
            let method = args.method.unwrap_or(CallbackMethod::Post);
            conference
                .update()
                .announce_url(&args.url)
                .announce_method(method)
                .send()
                .await
                .map_err(fail)?
        }
    };
    crate::resources::show(&shown, output);
    Ok(())
}
