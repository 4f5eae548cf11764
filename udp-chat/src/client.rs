//! UDP client of the point-to-point chat (Python version `p2p_udp_client.py`):
//! sends first, then waits for the answer. `88` from either side ends the chat.

pub fn run(addr: &str) -> std::io::Result<()> {
    // 创建socket对象, Type设置为SOCK_DGRAM: on a free port (Python takes one
    // on its first sendto), connected to the server. Unlike Python's
    // sendto()/recvfrom(), connect() fixes the one peer: only the server's
    // datagrams are received, and the "port unreachable" that comes back
    // when nobody is there fails the next recv() instead of leaving it
    // waiting for ever.
    let (udp_client, at) = crate::connect(addr)?;
    let mut recv_data = [0; 65536]; // room for any datagram: see server.rs
    let mut server = None; // the server, once heard
    loop {
        // 客户端首先发送消息
        let send_msg = crate::input("client")?;
        udp_client
            .send(send_msg.as_bytes())
            .map_err(|e| crate::context("cannot send to", &at, e))?;
        // 发送的消息为"88"时, 客户端程序终止
        if send_msg == "88" {
            return Ok(());
        }
        // 接收消息: one datagram is one message, from the server only.
        // Refused before any answer: no server there; after one: it has gone.
        let (n, server_addr) = match udp_client.recv_from(&mut recv_data) {
            Ok(pair) => pair,
            Err(e) => return crate::gone("client", server, crate::context("no server at", &at, e)),
        };
        server = Some(server_addr);
        let recv_msg = crate::show(&recv_data[..n]);
        crate::print(&format!("收到服务端消息: {recv_msg}\n"))?;
        if recv_msg == "88" {
            return Ok(()); // the server said 88: it has ended, and so does the client
        }
    }
}
