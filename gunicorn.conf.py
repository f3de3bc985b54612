"""gunicorn's settings for the web process (the Procfile's ``web:`` line names this file; gunicorn
also reads ./gunicorn.conf.py by itself). Options on the command line win over this file.
Measured with bench/server.py on the 2-core development VM: bench/RESULTS.md, "gunicorn settings".
"""

import os

if os.environ.get("PORT"):  # platforms (Heroku, Scalingo, ...) say where to listen
    bind = f"0.0.0.0:{os.environ['PORT']}"

# Chosen by measurement (bench/server.py at 100,000 entries, 16 connections of signed-in
# customers, two series on the shared 2-core VM: bench/RESULTS.md, "gunicorn settings"):
# - gthread, not sync: the same page throughput within the noise, but a sync worker closes
#   the connection after every answer (no keep-alive: the logged-in hello served 110-160/s
#   against 210-360/s), and postings waited behind the readers (2.5-2.7 postings/s under read
#   load against 3.2-10.8); one slow request (a lock, see "A lock held") holds a whole process.
# - 3 processes x 4 threads: one process more than the cores (a process waiting on the database
#   or the GIL leaves its core to another); 9 sync or 5 x 4 were no faster and cost memory
#   (~80 MB a process). WEB_CONCURRENCY / GUNICORN_THREADS size it to another machine.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A request over 30 s is killed with its worker (the database's own limits end a request
# sooner: statement_timeout 10 s, lock_timeout 3 s). A restart lets requests in flight finish.
timeout = 30
graceful_timeout = 30
keepalive = 5  # seconds an idle keep-alive connection from the proxy is kept

# Workers are replaced after about this many requests (the jitter spreads the restarts), which
# bounds any slow memory growth. A new worker costs ~0.85 s of CPU (importing the app, measured);
# at the pages' measured rates (15-70 per second per instance, over 3 workers) 10,000 requests
# is a restart every few minutes per worker: well under 1% of the CPU.
max_requests = 10000
max_requests_jitter = 1000

# Logs on stderr; the app itself logs one JSON line per request (bankdash.request), so no
# separate access log.
errorlog = "-"
