//! UDP client of the point-to-point chat (Python version `p2p_udp_client.py`):
//! sends first, then waits for the answer. `88` from either side ends the chat.

use std::io;
use std::net::SocketAddr;

pub fn run(addr: &str) -> io::Result<()> {
    // 创建socket对象, Type设置为SOCK_DGRAM: on a free port (Python takes one
    // on its first sendto), connected to the server. Unlike Python's
    // sendto()/recvfrom(), connect() fixes the one peer: only the server's
    // datagrams are received, and the "port unreachable" that comes back
    // when nobody is there fails the next recv() instead of leaving it
    // waiting for ever.
    let (udp_client, server) = crate::connect(addr)?;
    let mut recv_data = [0; 65536]; // room for any datagram: see server.rs
    // The server's address once we have heard from it: a "port unreachable" after
    // that means it has gone, before it that nobody was there (crate::gone).
    let mut heard_from: Option<SocketAddr> = None;
    loop {
        // 客户端首先发送消息
        let send_msg = crate::input("client")?;
        udp_client
            .send(send_msg.as_bytes())
            .map_err(|e| crate::context("cannot send to", &server, e))?;
        // 发送的消息为"88"时, 客户端程序终止
        if send_msg == "88" {
            return Ok(()); // udp_client.close(): the socket is closed when dropped
        }
        // 接收消息: one datagram is one message, from the server only.
        let (n, server_addr) = match udp_client.recv_from(&mut recv_data) {
            Ok(pair) => pair,
            Err(e) => {
                let e = crate::context("no server at", &server, e);
                return crate::gone("client", heard_from, e);
            }
        };
        let n = n.min(1024); // recvfrom(1024) keeps the first 1024 bytes
        heard_from = Some(server_addr);
        let recv_msg = crate::show(&recv_data[..n]);
        crate::print(&format!("收到服务端消息: {recv_msg}"))?;
        if recv_msg == "88" {
            return Ok(()); // the server said 88: it has ended, and so does the client
        }
    }
}
