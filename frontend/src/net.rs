//! Network reachability: the browser's `navigator.onLine` plus the outcome of the last API call.

use leptos::prelude::*;

/// Why the client considers itself offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offline {
    /// The browser reports no network (`navigator.onLine == false`).
    NoNetwork,
    /// The browser is online but the last API call could not reach the server.
    ServerUnreachable,
}

/// Reactive network state, provided as context by the app root.
#[derive(Debug, Clone, Copy)]
pub struct NetStatus {
    browser_online: RwSignal<bool>,
    api_unreachable: RwSignal<bool>,
}

impl NetStatus {
    /// Reads `navigator.onLine` and listens to the window's `online`/`offline` events.
    pub fn install() -> Self {
        let online = window().navigator().on_line();
        let status = NetStatus {
            browser_online: RwSignal::new(online),
            api_unreachable: RwSignal::new(false),
        };
        // The listeners live as long as the page: the app is never unmounted.
        let _ = window_event_listener(leptos::ev::online, move |_| {
            status.browser_online.set(true);
            // Give the server another chance; the next call will tell.
            status.api_unreachable.set(false);
        });
        let _ = window_event_listener(leptos::ev::offline, move |_| {
            status.browser_online.set(false);
        });
        status
    }

    /// Records the outcome of an API call: `true` when the request reached the server.
    pub fn record_api_reachable(&self, reached: bool) {
        if self.api_unreachable.get_untracked() == reached {
            self.api_unreachable.set(!reached);
        }
    }

    /// The current offline state, if any (tracked).
    pub fn offline(&self) -> Option<Offline> {
        offline_state(self.browser_online.get(), self.api_unreachable.get())
    }
}

/// Combines the two signals; the browser's verdict wins.
pub fn offline_state(browser_online: bool, api_unreachable: bool) -> Option<Offline> {
    if !browser_online {
        Some(Offline::NoNetwork)
    } else if api_unreachable {
        Some(Offline::ServerUnreachable)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_offline_wins() {
        assert_eq!(offline_state(true, false), None);
        assert_eq!(offline_state(true, true), Some(Offline::ServerUnreachable));
        assert_eq!(offline_state(false, false), Some(Offline::NoNetwork));
        assert_eq!(offline_state(false, true), Some(Offline::NoNetwork));
    }
}
