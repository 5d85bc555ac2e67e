//! The silence client against a fake Alertmanager on loopback: the body and
//! credentials that arrive, how each answer maps to a `SilenceError`, and
//! that no error ever shows a credential.

mod common;

use std::time::Duration;

use axum::http::{HeaderMap, StatusCode, header};
use bugle_relay::alertmanager::{
    Alertmanager, Silence, SilenceError, SilenceMatcher, matchers_for,
};
use bugle_relay::config::{AlertmanagerAuth, AlertmanagerSettings};
use bugle_relay::model::{Labels, Notification, Source, Status};
use common::alertmanager::{ExpectedAuth, FakeAlertmanager};
use secrecy::SecretString;
use serde_json::json;
use tokio::net::TcpListener;

const AM_TOKEN: &str = "relay-test-alertmanager-token";
const AM_PASSWORD: &str = "relay-test-alertmanager-password";
/// 2023-11-14T22:13:20Z.
const START_MS: i64 = 1_700_000_000_000;
const HOUR_MS: i64 = 3_600_000;

fn settings(url: &str, auth: Option<AlertmanagerAuth>) -> AlertmanagerSettings {
    AlertmanagerSettings {
        url: url.to_owned(),
        auth,
        timeout: Duration::from_secs(5),
        max_silence: Duration::from_secs(168 * 3600),
    }
}

fn bearer() -> AlertmanagerAuth {
    AlertmanagerAuth::Bearer(SecretString::from(AM_TOKEN))
}

fn basic() -> AlertmanagerAuth {
    AlertmanagerAuth::Basic {
        username: "relay".to_owned(),
        password: SecretString::from(AM_PASSWORD),
    }
}

fn client(url: &str, auth: Option<AlertmanagerAuth>) -> Alertmanager {
    Alertmanager::new(&settings(url, auth)).expect("client")
}

fn silence() -> Silence {
    Silence {
        matchers: vec![
            SilenceMatcher {
                name: "alertname".to_owned(),
                value: "HighLatency".to_owned(),
            },
            SilenceMatcher {
                name: "service".to_owned(),
                value: "checkout.*".to_owned(),
            },
        ],
        starts_at_ms: START_MS,
        ends_at_ms: START_MS + HOUR_MS,
        created_by: "ana (Discord)".to_owned(),
        comment: "Silenced for 1h from the alert card".to_owned(),
    }
}

fn expected_body() -> serde_json::Value {
    json!({
        "matchers": [
            {"name": "alertname", "value": "HighLatency", "isRegex": false, "isEqual": true},
            {"name": "service", "value": "checkout.*", "isRegex": false, "isEqual": true},
        ],
        "startsAt": "2023-11-14T22:13:20Z",
        "endsAt": "2023-11-14T23:13:20Z",
        "createdBy": "ana (Discord)",
        "comment": "Silenced for 1h from the alert card",
    })
}

#[tokio::test]
async fn a_silence_arrives_with_bearer_auth_and_its_id_comes_back() {
    let fake = FakeAlertmanager::start(ExpectedAuth::Bearer(AM_TOKEN.to_owned())).await;
    let id = client(&fake.url(), Some(bearer()))
        .create_silence(&silence())
        .await
        .expect("created");
    assert_eq!(id, "00000000-0000-4000-8000-000000000001");
    assert_eq!(fake.silences(), [expected_body()]);
}

#[tokio::test]
async fn a_silence_arrives_with_basic_auth() {
    let fake = FakeAlertmanager::start(ExpectedAuth::Basic {
        username: "relay".to_owned(),
        password: AM_PASSWORD.to_owned(),
    })
    .await;
    let am = client(&fake.url(), Some(basic()));
    am.create_silence(&silence()).await.expect("first");
    let second = am.create_silence(&silence()).await.expect("second");
    assert_eq!(second, "00000000-0000-4000-8000-000000000002");
    assert_eq!(fake.silences(), [expected_body(), expected_body()]);
}

#[tokio::test]
async fn a_url_with_a_path_prefix_and_a_trailing_slash_reaches_the_api_under_it() {
    let fake = FakeAlertmanager::start_under(ExpectedAuth::None, "/api/alertmanager/grafana").await;
    let url = format!("{}/", fake.url());
    client(&url, None)
        .create_silence(&silence())
        .await
        .expect("created");
    assert_eq!(fake.silences().len(), 1);
}

#[tokio::test]
async fn the_groups_labels_become_the_silences_matchers() {
    let fake = FakeAlertmanager::start(ExpectedAuth::None).await;
    let labels = |pairs: &[(&str, &str)]| -> Labels {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let notification = Notification {
        receiver: Some("discord".to_owned()),
        group_labels: labels(&[("service", "api"), ("alertname", "Down")]),
        common_labels: labels(&[("severity", "critical")]),
        ..Notification::new(
            Source::Alertmanager,
            "{}:{alertname=\"Down\"}",
            Status::Firing,
        )
    };
    let silence = Silence {
        matchers: matchers_for(&notification).expect("matchers"),
        ..silence()
    };
    client(&fake.url(), None)
        .create_silence(&silence)
        .await
        .expect("created");
    assert_eq!(
        fake.silences()[0]["matchers"],
        json!([
            {"name": "alertname", "value": "Down", "isRegex": false, "isEqual": true},
            {"name": "service", "value": "api", "isRegex": false, "isEqual": true},
        ])
    );
    let grouped_by_nothing = Notification {
        group_labels: Labels::new(),
        ..notification.clone()
    };
    assert_eq!(
        matchers_for(&grouped_by_nothing).expect("common labels")[0].name,
        "severity"
    );
    let unlabelled = Notification {
        common_labels: Labels::new(),
        ..grouped_by_nothing
    };
    assert_eq!(matchers_for(&unlabelled), Err(SilenceError::NoLabels));
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_unauthorized() {
    let fake = FakeAlertmanager::start(ExpectedAuth::Bearer(AM_TOKEN.to_owned())).await;
    let wrong = Some(AlertmanagerAuth::Bearer(SecretString::from("other-token")));
    for auth in [wrong, None, Some(basic())] {
        let error = client(&fake.url(), auth)
            .create_silence(&silence())
            .await
            .unwrap_err();
        assert_eq!(error, SilenceError::Unauthorized);
        assert!(
            error
                .to_string()
                .contains("refused the relay's credentials")
        );
    }
    fake.fail_next(StatusCode::FORBIDDEN);
    let error = client(&fake.url(), Some(bearer()))
        .create_silence(&silence())
        .await
        .unwrap_err();
    assert_eq!(error, SilenceError::Unauthorized);
    assert!(fake.silences().is_empty());
}

#[tokio::test]
async fn a_silence_alertmanager_finds_invalid_is_refused_with_its_words() {
    let fake = FakeAlertmanager::start(ExpectedAuth::None).await;
    let am = client(&fake.url(), None);
    let backwards = Silence {
        ends_at_ms: START_MS - HOUR_MS,
        ..silence()
    };
    let no_matchers = Silence {
        matchers: Vec::new(),
        ..silence()
    };
    let no_author = Silence {
        created_by: String::new(),
        ..silence()
    };
    for (silence, words) in [
        (backwards, "end time must be after start time"),
        (no_matchers, "at least one matcher required"),
        (no_author, "createdBy missing"),
    ] {
        let error = am.create_silence(&silence).await.unwrap_err();
        let SilenceError::Refused { status, message } = &error else {
            panic!("not refused: {error:?}");
        };
        assert_eq!(*status, StatusCode::BAD_REQUEST);
        assert!(message.contains(words), "{message}");
        assert!(!error.is_retryable());
    }
    assert!(fake.silences().is_empty());
}

#[tokio::test]
async fn each_error_status_maps_to_its_kind() {
    let fake = FakeAlertmanager::start(ExpectedAuth::None).await;
    let am = client(&fake.url(), None);
    for (status, retryable) in [
        (StatusCode::BAD_REQUEST, false),
        (StatusCode::NOT_FOUND, false),
        (StatusCode::UNPROCESSABLE_ENTITY, false),
        (StatusCode::INTERNAL_SERVER_ERROR, true),
        (StatusCode::BAD_GATEWAY, true),
        (StatusCode::SERVICE_UNAVAILABLE, true),
    ] {
        fake.fail_next(status);
        let error = am.create_silence(&silence()).await.unwrap_err();
        assert_eq!(error.is_retryable(), retryable, "{status}: {error}");
        match &error {
            SilenceError::Refused {
                status: got,
                message,
            } => {
                assert_eq!(*got, status);
                assert!(message.contains("fake alertmanager: failing"), "{message}");
            }
            SilenceError::Unavailable(message) => {
                assert!(message.contains(status.as_str()), "{message}");
            }
            other => panic!("{status}: {other:?}"),
        }
    }
    // The fake is well again: the next silence is created.
    am.create_silence(&silence()).await.expect("created");
}

#[tokio::test]
async fn a_wrong_path_is_refused_as_not_found() {
    let fake = FakeAlertmanager::start(ExpectedAuth::None).await;
    let error = client(&format!("{}/not-alertmanager", fake.url()), None)
        .create_silence(&silence())
        .await
        .unwrap_err();
    assert!(
        matches!(error, SilenceError::Refused { status, .. } if status == StatusCode::NOT_FOUND),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_unreachable_alertmanager_is_unavailable_at_once() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let started = tokio::time::Instant::now();
    let error = client(&url, Some(bearer()))
        .create_silence(&silence())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "{error}");
    let SilenceError::Unavailable(message) = &error else {
        panic!("{error:?}");
    };
    assert!(
        message.contains(&format!("cannot reach {url}")),
        "{message}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_alertmanager_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Accepts connections and holds them without a word.
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let am = Alertmanager::new(&AlertmanagerSettings {
        timeout: Duration::from_millis(300),
        ..settings(&url, Some(bearer()))
    })
    .unwrap();
    let started = tokio::time::Instant::now();
    let error = am.create_silence(&silence()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "{error}");
    assert_eq!(
        error,
        SilenceError::Unavailable(format!("no answer from {url} within 300ms"))
    );
    holder.abort();
}

/// Serves `POST /api/v2/silences` answering `status` with the request's
/// `Authorization` header as the text (an Alertmanager proxy that echoes).
async fn echoing_server(status: StatusCode) -> String {
    let router = axum::Router::new().route(
        "/api/v2/silences",
        axum::routing::post(move |headers: HeaderMap| async move {
            let echoed = headers
                .get(header::AUTHORIZATION)
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
                .unwrap_or_default();
            (status, format!("denied for {echoed}"))
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    url
}

#[tokio::test]
async fn no_error_shows_a_credential() {
    let basic_pair = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!("relay:{AM_PASSWORD}"))
    };
    let secrets = [AM_TOKEN, AM_PASSWORD, basic_pair.as_str(), "url-secret"];
    let fake = FakeAlertmanager::start(ExpectedAuth::Bearer("another".to_owned())).await;
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let mut errors = Vec::new();
    for auth in [Some(bearer()), Some(basic())] {
        errors.push(
            client(&fake.url(), auth.clone())
                .create_silence(&silence())
                .await
                .unwrap_err(),
        );
        for status in [StatusCode::BAD_REQUEST, StatusCode::INTERNAL_SERVER_ERROR] {
            let echo = echoing_server(status).await;
            errors.push(
                client(&echo, auth.clone())
                    .create_silence(&silence())
                    .await
                    .unwrap_err(),
            );
        }
        errors.push(
            client(&closed, auth.clone())
                .create_silence(&silence())
                .await
                .unwrap_err(),
        );
    }
    // Credentials written into the URL are neither sent nor shown.
    let in_url = closed.replace("http://", "http://relay:url-secret@");
    errors.push(
        client(&in_url, None)
            .create_silence(&silence())
            .await
            .unwrap_err(),
    );
    let echo = echoing_server(StatusCode::BAD_REQUEST).await;
    let in_url = echo.replace("http://", "http://relay:url-secret@");
    let refused = client(&in_url, None)
        .create_silence(&silence())
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        SilenceError::Refused {
            status: StatusCode::BAD_REQUEST,
            message: "denied for".to_owned(),
        },
        "no Authorization header was made from the URL"
    );
    errors.push(refused);
    assert!(
        errors
            .iter()
            .any(|e| e.to_string().contains("denied for Basic [redacted]")),
        "the echoing proxy was heard: {errors:?}"
    );
    for error in &errors {
        let shown = format!("{error} {error:?}");
        for secret in secrets {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
    let debug = format!("{:?}", client(&in_url, Some(bearer())));
    for secret in secrets {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

#[test]
fn the_client_can_be_shared_and_its_silences_awaited_on_any_task() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let am = client("http://127.0.0.1:9", None);
    send_sync(&am);
    let silence = silence();
    send(&am.create_silence(&silence));
}

#[tokio::test]
async fn a_bad_url_is_refused_when_the_client_is_made() {
    for url in ["alertmanager:9093", "ftp://am", "http://a m"] {
        let error = Alertmanager::new(&settings(url, None)).unwrap_err();
        assert!(
            matches!(&error, SilenceError::Unavailable(m) if m.contains("URL")),
            "{url}: {error:?}"
        );
    }
}

#[tokio::test]
async fn the_fake_lists_the_silences_it_created() {
    use bytes::Bytes;
    use http_body_util::{BodyExt, Empty};
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let fake = FakeAlertmanager::start(ExpectedAuth::Bearer(AM_TOKEN.to_owned())).await;
    client(&fake.url(), Some(bearer()))
        .create_silence(&silence())
        .await
        .expect("created");
    let http: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let request = http::Request::get(format!("{}/api/v2/silences", fake.url()))
        .header("authorization", format!("Bearer {AM_TOKEN}"))
        .body(Empty::new())
        .unwrap();
    let response = http.request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let listed: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(listed[0]["id"], "00000000-0000-4000-8000-000000000001");
    assert_eq!(listed[0]["comment"], "Silenced for 1h from the alert card");
}
