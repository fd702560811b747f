"""The emulator's wire gateway: the CCC, BSS OpenAPI and STS APIs over Alibaba Cloud's RPC
protocol, for the official SDK to talk to (`server.EmulatorServer`, `server.serve_in_thread`)."""
