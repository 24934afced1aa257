//! A small TCP front in front of the wiremock server, so the fake can reset
//! connections (wiremock itself always answers).
//!
//! Every connection is relayed byte for byte to the wiremock server. When the
//! responder wants a reset it answers with the internal status
//! [`RESET_STATUS`](super::faults::RESET_STATUS); the front sees that status
//! line at the start of a response, sends nothing of it, and closes the
//! client's connection with a TCP reset (`SO_LINGER` 0). HTTP/1.1 clients do
//! not pipeline, so a response always starts a fresh read from the server.
//!
//! The front runs on its own thread and runtime, like wiremock's server, so
//! it works from any runtime (or none) and stops when the fake is dropped.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// The start of a response that asks for a reset.
const MARKER: &[u8] = b"HTTP/1.1 599 ";

/// The running relay; dropping it stops the relay thread.
#[derive(Debug)]
pub(crate) struct Front {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl Front {
    /// Binds a loopback port and relays it to `backend`. `None` if the port
    /// or the thread cannot be had (the fake then serves without resets).
    pub(crate) fn start(backend: SocketAddr) -> Option<Front> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").ok()?;
        listener.set_nonblocking(true).ok()?;
        let addr = listener.local_addr().ok()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<bool>();
        std::thread::Builder::new()
            .name("fake-graph-front".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                let Ok(rt) = rt else {
                    let _ = ready_tx.send(false);
                    return;
                };
                rt.block_on(async move {
                    let Ok(listener) = TcpListener::from_std(listener) else {
                        let _ = ready_tx.send(false);
                        return;
                    };
                    let _ = ready_tx.send(true);
                    tokio::select! {
                        _ = stopped => {}
                        () = accept_loop(listener, backend) => {}
                    }
                });
            })
            .ok()?;
        if ready_rx.recv().ok()? {
            Some(Front {
                addr,
                stop: Some(stop),
            })
        } else {
            None
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn accept_loop(listener: TcpListener, backend: SocketAddr) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            // E.g. out of file descriptors: wait instead of spinning.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        tokio::spawn(relay(client, backend));
    }
}

async fn relay(mut client: TcpStream, backend: SocketAddr) {
    let Ok(mut server) = TcpStream::connect(backend).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    // Set when the client sent bytes: the next server bytes start a response.
    let fresh = AtomicBool::new(false);
    let reset = {
        let (mut cr, mut cw) = client.split();
        let (mut sr, mut sw) = server.split();
        let up = async {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                match cr.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        fresh.store(true, Ordering::Relaxed);
                        if sw
                            .write_all(buf.get(..n).unwrap_or_default())
                            .await
                            .is_err()
                        {
                            break;
                        }
                    }
                }
            }
            let _ = sw.shutdown().await;
            std::future::pending::<()>().await;
        };
        let down = async {
            let mut buf = vec![0u8; 16 * 1024];
            let mut held: Vec<u8> = Vec::new();
            loop {
                let n = match sr.read(&mut buf).await {
                    Ok(0) | Err(_) => {
                        let _ = cw.write_all(&held).await;
                        let _ = cw.shutdown().await;
                        return false;
                    }
                    Ok(n) => n,
                };
                held.extend_from_slice(buf.get(..n).unwrap_or_default());
                if fresh.load(Ordering::Relaxed) {
                    if held.len() < MARKER.len() && MARKER.starts_with(&held) {
                        continue; // too short to tell yet
                    }
                    if held.starts_with(MARKER) {
                        return true;
                    }
                    fresh.store(false, Ordering::Relaxed);
                }
                if cw.write_all(&held).await.is_err() {
                    return false;
                }
                held.clear();
            }
        };
        tokio::select! {
            r = down => r,
            () = up => false,
        }
    };
    if reset {
        #[allow(deprecated)] // zero linger does not block on drop
        let _ = client.set_linger(Some(Duration::ZERO));
    }
}
