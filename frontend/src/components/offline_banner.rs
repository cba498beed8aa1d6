//! The 离线 banner, shown above everything whenever the client is offline.

use leptos::prelude::*;

use crate::i18n::t;
use crate::net::{NetStatus, Offline};

#[component]
pub fn OfflineBanner() -> impl IntoView {
    let net = expect_context::<NetStatus>();
    move || {
        net.offline().map(|why| {
            let text = match why {
                Offline::NoNetwork => t().offline_no_network,
                Offline::ServerUnreachable => t().offline_server_unreachable,
            };
            view! {
                <div id="offline-banner" class="offline-banner" role="status" aria-live="polite">
                    {text}
                </div>
            }
        })
    }
}
