//! UDP client of the point-to-point chat (Python version `p2p_udp_client.py`):
//! sends first, then waits for the answer. `88` from either side ends the chat.

use crate::*;

pub fn run(addr: &str) -> io::Result<()> {
    // 创建socket对象 (SOCK_DGRAM, IPv4 unless ADDR is [IPv6]). Python binds a
    // free port on the first sendto(); Rust names that step: port 0.
    let udp_client = std::net::UdpSocket::bind(if addr.starts_with('[') {
        "[::]:0"
    } else {
        "0.0.0.0:0"
    })?;
    // Unlike Python's sendto()/recvfrom(), connect() fixes the one peer. It
    // sends nothing, but from now on only the server's datagrams are
    // received, and the "port unreachable" that comes back when nobody is
    // there fails the next recv() instead of leaving it waiting for ever.
    udp_client
        .connect(addr)
        .map_err(|e| context("cannot use", addr, e))?;
    let (mut recv_data, mut server) = ([0; 65536], None); // room for any datagram: see server.rs
    loop {
        // 客户端首先发送消息
        let send_msg = input("client")?;
        udp_client
            .send(&send_msg)
            .map_err(|e| context("cannot send to", addr, e))?;
        // 发送的消息为"88"时, 客户端程序终止
        if send_msg == b"88" {
            return Ok(());
        }
        // 接收消息: one datagram is one message. Refused before any answer:
        // no server there, an error; after one, the server has gone.
        let (n, from) = udp_client
            .recv_from(&mut recv_data)
            .map_err(|e| gone("client", server, addr, e))?;
        server = Some(from);
        print(&format!("收到服务端消息: {}\n", safe(&recv_data[..n])))?;
        if trim(&recv_data[..n]) == b"88" {
            return Ok(()); // the server said 88: it has ended, and so does the client
        }
    }
}
