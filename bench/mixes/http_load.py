"""The load of bench/mixes/record.sh's HTTP server: `http_load.py PORT
REQUESTS CLIENTS` waits for the server, then makes REQUESTS GETs over
CLIENTS threads (alternately index.html and a 64 KiB file)."""
import sys
import threading
import time
import urllib.request

port, requests, clients = (int(a) for a in sys.argv[1:4])
base = f"http://127.0.0.1:{port}/"
for _ in range(100):
    try:
        urllib.request.urlopen(base + "index.html").read()
        break
    except OSError:
        time.sleep(0.1)


def client(n):
    for i in range(n):
        path = "index.html" if i % 2 else "64k.bin"
        urllib.request.urlopen(base + path).read()


threads = [threading.Thread(target=client, args=(requests // clients,)) for _ in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
