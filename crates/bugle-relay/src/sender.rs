//! A small HTTP client for `bugle relay send-test` and the tests: posts a
//! payload to a relay over plain HTTP, and the realistic firing → repeat →
//! resolved sequence a newcomer runs to watch a card appear, update and
//! resolve.

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::clock::Clock;

/// A relay's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The body, as text.
    pub body: String,
}

/// Posts `body` to `url` (`http://host:port/path`) with a bearer `token`.
///
/// # Errors
///
/// A sentence when the URL is not plain http or the relay cannot be reached.
pub async fn post(url: &str, token: Option<&SecretString>, body: &[u8]) -> Result<Answer, String> {
    let headers: Vec<(String, String)> = token
        .map(|token| {
            vec![(
                "authorization".to_owned(),
                format!("Bearer {}", token.expose_secret()),
            )]
        })
        .unwrap_or_default();
    post_with_headers(url, &headers, body).await
}

/// Posts `body` to `url` with these extra headers.
///
/// # Errors
///
/// As [`post`].
pub async fn post_with_headers(
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Answer, String> {
    if !url.starts_with("http://") {
        return Err(format!(
            "`{url}`: send-test speaks plain http (http://host:port), e.g. to a relay on this machine"
        ));
    }
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let mut request = Request::post(url).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(Full::new(Bytes::copy_from_slice(body)))
        .map_err(|error| format!("`{url}` is not a valid URL: {error}"))?;
    let response = client
        .request(request)
        .await
        .map_err(|error| format!("cannot reach the relay at {url}: {error}"))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|error| format!("the relay's answer broke off: {error}"))?
        .to_bytes();
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// An Alertmanager (version 4) notification for a group `HighLatency` of
/// `instances` api servers, `status` `firing` or `resolved`, started at
/// `started` (RFC 3339); resolved alerts end at `ended`.
pub fn alertmanager_sample(
    group: &str,
    status: &str,
    instances: usize,
    started: &str,
    ended: &str,
) -> Value {
    let alerts: Vec<Value> = (0..instances)
        .map(|i| {
            json!({
                "status": status,
                "labels": {
                    "alertname": "HighLatency", "severity": "critical", "service": group,
                    "instance": format!("{group}-{i}:9100"),
                },
                "annotations": {
                    "summary": format!("p99 latency above 2s on {group}-{i}"),
                    "runbook_url": "https://runbooks.example.com/high-latency",
                },
                "startsAt": started,
                "endsAt": if status == "resolved" { ended } else { "0001-01-01T00:00:00Z" },
                "generatorURL": "http://prometheus.example.com:9090/graph?g0.expr=histogram_quantile",
                "fingerprint": format!("{:016x}", i + 1),
            })
        })
        .collect();
    json!({
        "version": "4",
        "groupKey": format!("{{}}:{{alertname=\"HighLatency\", service=\"{group}\"}}"),
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "discord",
        "groupLabels": { "alertname": "HighLatency", "service": group },
        "commonLabels": { "alertname": "HighLatency", "severity": "critical", "service": group },
        "commonAnnotations": { "runbook_url": "https://runbooks.example.com/high-latency" },
        "externalURL": "http://alertmanager.example.com:9093",
        "alerts": alerts,
    })
}

/// The newcomer's sequence: firing (2 alerts), repeat with a third alert,
/// resolved; posted to `base` (`http://127.0.0.1:9099`) one by one.
///
/// # Errors
///
/// The first post that fails or is refused.
pub async fn send_test(base: &str, token: Option<&SecretString>) -> Result<Vec<String>, String> {
    let now = Clock::system().now();
    let format = &time::format_description::well_known::Rfc3339;
    let started = (now - time::Duration::minutes(5))
        .format(format)
        .unwrap_or_default();
    let ended = now.format(format).unwrap_or_default();
    let url = format!("{}/alertmanager", base.trim_end_matches('/'));
    let steps = [
        (
            "firing, 2 alerts",
            alertmanager_sample("checkout", "firing", 2, &started, &ended),
        ),
        (
            "repeat, 3 alerts",
            alertmanager_sample("checkout", "firing", 3, &started, &ended),
        ),
        (
            "resolved",
            alertmanager_sample("checkout", "resolved", 3, &started, &ended),
        ),
    ];
    let mut log = Vec::new();
    for (what, payload) in steps {
        let answer = post(&url, token, payload.to_string().as_bytes()).await?;
        if !answer.status.is_success() {
            return Err(format!(
                "{what}: the relay answered {}: {}",
                answer.status,
                answer.body.trim()
            ));
        }
        log.push(format!(
            "{what}: {} {}",
            answer.status.as_u16(),
            answer.body.trim()
        ));
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
    Ok(log)
}
