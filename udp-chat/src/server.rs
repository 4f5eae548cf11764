//! UDP server of the point-to-point chat (article 002's UDP part; Python
//! version `p2p_udp_server.py`): no listen, no accept; receives first, then
//! answers whoever spoke last. `88` from either side ends the chat.

use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::thread;
use std::time::Duration;

use crate::console::{self, GOODBYE};

pub const DEFAULT_ADDR: &str = "127.0.0.1:9000";
const BUFSIZ: usize = 1024;

pub fn run(addr: &str) -> io::Result<()> {
    // 创建socket对象 (SOCK_DGRAM) + 绑定端口: UdpSocket::bind does both.
    let udp_server = UdpSocket::bind(addr).map_err(|e| bind_error(addr, e))?;
    log(&format!("Listening on {}", udp_server.local_addr()?));
    let mut recv_data = [0; BUFSIZ];
    loop {
        // 服务端首先接收客户端的消息: one datagram is one message; a longer
        // one than 1024 bytes is cut to 1024, as in Python.
        let (n, client_addr) = receive(&udp_server, &mut recv_data);
        console::show("客户端", &recv_data[..n])?;
        if console::is_goodbye(&recv_data[..n]) {
            return Ok(()); // 接收到"88"时, 服务端程序终止
        }
        // 发送消息 to the address the message came from. Article 002's server
        // sends to ('127.0.0.1', 9000), its own address, so it only ever
        // talks to itself; that bug is not copied.
        let send_msg = console::input("server", "请输入:")?;
        if let Err(e) = udp_server.send_to(&send_msg, client_addr) {
            eprintln!("udp-chat server: cannot send to {client_addr}: {e}");
        }
        if send_msg == GOODBYE {
            return Ok(());
        }
    }
}

/// recvfrom(1024). A failed receive concerns one datagram, not the chat; the
/// pause keeps an error that persists from spinning.
fn receive(udp_server: &UdpSocket, recv_data: &mut [u8]) -> (usize, SocketAddr) {
    loop {
        match udp_server.recv_from(recv_data) {
            Ok(pair) => return pair,
            Err(e) => {
                eprintln!("udp-chat server: receive failed: {e}");
                thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

fn bind_error(addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::AddrInUse => {
            "; address in use: is another server running? pass another ADDR, e.g. `cargo run -p udp-chat -- server 127.0.0.1:0`"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("cannot bind {addr}: {e}{hint}"))
}

/// A line on stdout. A closed stdout (`| head -1`) must not stop the chat.
fn log(line: &str) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}
