<?php
require __DIR__ . "/../vendor/autoload.php";

$db = new mysqli("db.acme.io", "shop", getenv("DB_PASSWORD"), "shop");
$id = $_GET["id"];
$r = mysqli_query($db, "SELECT * FROM products WHERE id = " . $_GET["id"]);
$st = $db->prepare("SELECT * FROM products WHERE sku = ?");
include($_GET["page"] . ".php");
echo "Hello " . $_GET["name"];
echo htmlspecialchars($_GET["q"], ENT_QUOTES);
$out = shell_exec("convert " . $_GET["img"] . " out.png");
eval($_POST["code"]);
