import os
import subprocess

from flask import Flask, redirect, request, send_file

app = Flask(__name__)
UPLOADS = "/srv/uploads"


@app.route("/invoice")
def invoice():
    name = request.args.get("name", "")
    return send_file(os.path.join(UPLOADS, request.args["name"]))


@app.route("/search")
def search():
    from .db import cursor
    q = request.args.get("q", "")
    cursor.execute(f"SELECT id, total FROM invoices WHERE customer LIKE '%{q}%'")
    return {"rows": cursor.fetchall()}


@app.route("/lookup")
def lookup():
    from .db import cursor
    cursor.execute("SELECT id FROM invoices WHERE number = %s", (request.args["n"],))
    return {"rows": cursor.fetchall()}


@app.route("/export")
def export():
    fmt = request.args.get("fmt", "csv")
    subprocess.run(f"billing-export --format {fmt} --out /tmp/export", shell=True)
    subprocess.run(["billing-export", "--format", fmt], check=True)
    return "ok"


@app.route("/next")
def after_login():
    return redirect(request.args.get("next"))


@app.route("/calc")
def calc():
    return str(eval(request.args.get("expr")))


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
