const express = require('express');
const { exec } = require('child_process');
const path = require('path');
const fs = require('fs');
const db = require('./db');

const app = express();
app.use(express.json());

app.get('/files/:name', (req, res) => {
  res.sendFile(path.join(__dirname, 'files', req.params.name));
});

app.get('/thumb', (req, res) => {
  exec(`convert ${req.query.file} -resize 64x64 /tmp/thumb.png`, () => res.sendFile('/tmp/thumb.png'));
});

app.get('/user/:id', async (req, res) => {
  const rows = await db.query(`SELECT * FROM users WHERE id = ${req.params.id}`);
  res.json(rows);
});

app.get('/order/:id', async (req, res) => {
  const rows = await db.query('SELECT * FROM orders WHERE id = $1', [req.params.id]);
  res.json(rows);
});

app.post('/users', async (req, res) => {
  const user = await db.User.create(req.body);
  res.json(user);
});

app.get('/hello', (req, res) => {
  res.send(req.query.name);
});

app.post('/calc', (req, res) => {
  res.json({ value: eval(req.body.expression) });
});

app.get('/index', (req, res) => {
  res.sendFile(path.join(__dirname, 'public', 'index.html'));
});

const port = process.env.PORT || 3000;
app.listen(port);
