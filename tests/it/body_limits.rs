//! Bodies are read with caps: a server that sends a 2 GB chunked body (never
//! held in memory by the server either) gets a typed error, and the client
//! stops reading at its cap instead of allocating the body.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use entra_access::auth::StaticToken;
use entra_access::{Client, ErrorKind, RetryPolicy};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "test-token-7c1f0d1e";
const TWO_GB: u64 = 2 * 1024 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// A tiny HTTP/1.1 server on loopback that answers every request with
/// `status` and a chunked body of `total` bytes, written 64 KiB at a time
/// from one reused buffer. Returns its URL and the count of body bytes it
/// managed to write.
async fn endless_server(status: u16, total: u64) -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let written = Arc::new(AtomicU64::new(0));
    let count = Arc::clone(&written);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let count = Arc::clone(&count);
            tokio::spawn(async move {
                // Read the request head.
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let start = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n\
                     transfer-encoding: chunked\r\n\r\n"
                );
                if socket.write_all(start.as_bytes()).await.is_err() {
                    return;
                }
                let mut chunk = format!("{CHUNK:x}\r\n").into_bytes();
                chunk.push(b'[');
                chunk.extend(std::iter::repeat_n(b' ', CHUNK - 1));
                chunk.extend_from_slice(b"\r\n");
                let mut sent = 0u64;
                while sent < total {
                    if socket.write_all(&chunk).await.is_err() {
                        return; // the client hung up
                    }
                    sent += CHUNK as u64;
                    count.store(sent, Ordering::SeqCst);
                }
                let _ = socket.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    (url, written)
}

fn client(url: &str) -> entra_access::ClientBuilder {
    Client::builder()
        .base_url(url)
        .token_provider(StaticToken::new(TOKEN))
        .retry_policy(RetryPolicy::none())
}

/// Peak resident memory of this process, where the OS tells it.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn a_2_gb_success_body_is_refused_at_the_cap() {
    let (url, written) = endless_server(200, TWO_GB).await;

    // The default cap (64 MiB).
    let err = client(&url)
        .build()
        .unwrap()
        .raw()
        .get::<Value>("things")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge, "{err:?}");
    assert!(err.is_body_too_large());
    assert!(err.to_string().contains("max_body_bytes"), "{err}");
    assert!(!err.is_retryable());
    let sent = written.load(Ordering::SeqCst);
    // The server could write the cap and what the socket buffers hold, and
    // no more: the client stopped reading and hung up.
    assert!(sent < 256 * 1024 * 1024, "the server wrote {sent} bytes");
    eprintln!(
        "with the default cap the server got {} MiB out of 2048",
        sent >> 20
    );

    // A configured cap.
    let err = client(&url)
        .max_body_bytes(1024 * 1024)
        .build()
        .unwrap()
        .raw()
        .get::<Value>("things")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_body_too_large(), "{err:?}");
    assert!(err.to_string().contains("1048576 bytes"), "{err}");

    if let Some(peak) = peak_rss_kib() {
        eprintln!("peak resident memory: {} MiB", peak / 1024);
        assert!(peak < 1024 * 1024, "peak resident memory {peak} KiB");
    }
}

#[tokio::test]
async fn a_2_gb_error_body_keeps_an_excerpt_and_the_status() {
    let (url, written) = endless_server(500, TWO_GB).await;
    let err = client(&url)
        .max_error_body_bytes(16 * 1024)
        .build()
        .unwrap()
        .raw()
        .get::<Value>("things")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500), "{err:?}");
    let excerpt = err.graph_error().and_then(|g| g.body_excerpt.clone());
    assert!(excerpt.is_some_and(|e| e.starts_with('[')), "{err:?}");
    assert!(written.load(Ordering::SeqCst) < 256 * 1024 * 1024);
}

#[tokio::test]
async fn a_declared_length_over_the_cap_is_refused_before_reading() {
    let graph = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string("x".repeat(4096)))
        .mount(&graph)
        .await;
    let client = client(&graph.uri()).max_body_bytes(1000).build().unwrap();
    let err = client
        .raw()
        .get::<Value>("things")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_body_too_large(), "{err:?}");
    let ok = Client::builder()
        .base_url(graph.uri())
        .token_provider(StaticToken::new(TOKEN))
        .max_body_bytes(4096)
        .build()
        .unwrap()
        .raw()
        .get::<Value>("things")
        .send()
        .await
        .unwrap_err();
    // Exactly at the cap is allowed (then it fails as JSON, not as size).
    assert_eq!(ok.kind(), ErrorKind::Decode, "{ok:?}");
}

/// Issue 20, item 8: the token endpoint's answer is read within a cap, as
/// Graph's error bodies are. A 1 GiB answer (streamed, never held by the
/// server either) to a client-credentials request, a device-code request
/// and through a client's own provider ends in a typed error, and the
/// client stopped reading: the server could write little more than the cap.
#[cfg(feature = "client-credentials")]
#[tokio::test]
async fn a_1_gib_token_endpoint_answer_is_refused_at_the_cap() {
    use entra_access::auth::{AuthError, ClientCredentials, DeviceCode, TokenProvider};
    const ONE_GIB: u64 = 1024 * 1024 * 1024;
    let bounded = |written: &AtomicU64| {
        let sent = written.load(Ordering::SeqCst);
        assert!(sent < 16 * 1024 * 1024, "the server wrote {sent} bytes");
    };

    let (url, written) = endless_server(200, ONE_GIB).await;
    let err = ClientCredentials::new("contoso", "app", "secret")
        .unwrap()
        .authority_host(&url)
        .unwrap()
        .token()
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::AnswerTooLarge { limit: 65536 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("65536 bytes"), "{err}");
    assert!(!err.is_transient());
    bounded(&written);

    let (url, written) = endless_server(200, ONE_GIB).await;
    let err = DeviceCode::new("contoso", "app", |_| panic!("no prompt expected"))
        .unwrap()
        .authority_host(&url)
        .unwrap()
        .sign_in()
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::AnswerTooLarge { .. }), "{err:?}");
    bounded(&written);

    let (url, written) = endless_server(400, ONE_GIB).await;
    let err = Client::builder()
        .base_url(&url)
        .authority_host(&url)
        .client_credentials("contoso", "app", "secret")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .raw()
        .get::<Value>("things")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    let auth = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<AuthError>())
        .unwrap();
    assert!(matches!(auth, AuthError::AnswerTooLarge { .. }), "{auth:?}");
    bounded(&written);

    if let Some(peak) = peak_rss_kib() {
        assert!(peak < 1024 * 1024, "peak resident memory {peak} KiB");
    }
}
