//! The engine's part of the typed API client.

use gloo_net::http::Method;
use xueji_shared::api_engine::{BusinessKey, InboxOrder, InboxSummary, OverdueReport, WorkPage};

use crate::api::{encode_component, Api, ApiError};

fn query(business: Option<BusinessKey>, order: Option<InboxOrder>, cursor: Option<&str>) -> String {
    let mut q = vec!["limit=20".to_owned()];
    if let Some(b) = business {
        q.push(format!("business={}", b.as_str()));
    }
    if order == Some(InboxOrder::Oldest) {
        q.push("order=oldest".into());
    }
    if let Some(c) = cursor {
        q.push(format!("cursor={}", encode_component(c)));
    }
    q.join("&")
}

impl Api {
    /// `GET /inbox`: one page of what waits for the caller.
    pub async fn inbox(
        &self,
        business: Option<BusinessKey>,
        order: InboxOrder,
        cursor: Option<&str>,
    ) -> Result<WorkPage, ApiError> {
        let path = format!("/inbox?{}", query(business, Some(order), cursor));
        self.authed(Method::GET, &path, None).await
    }

    /// `GET /inbox/summary`: waiting and overdue counts.
    pub async fn inbox_summary(&self) -> Result<InboxSummary, ApiError> {
        self.authed(Method::GET, "/inbox/summary", None).await
    }

    /// `GET /overdue`: the jurisdiction's overdue steps and their counts.
    pub async fn overdue(
        &self,
        business: Option<BusinessKey>,
        cursor: Option<&str>,
    ) -> Result<OverdueReport, ApiError> {
        let path = format!("/overdue?{}", query(business, None, cursor));
        self.authed(Method::GET, &path, None).await
    }
}
