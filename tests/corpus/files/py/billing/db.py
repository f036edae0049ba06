import sqlite3

conn = sqlite3.connect("billing.db")
cursor = conn.cursor()


def delete_customer(customer_id):
    cursor.execute("DELETE FROM customers WHERE id = %s" % customer_id)
    conn.commit()


def find(email):
    cursor.execute("SELECT * FROM customers WHERE email = ?", (email,))
    return cursor.fetchone()
