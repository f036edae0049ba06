using System;
using System.Data.SqlClient;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;

namespace Acme.Api.Services
{
    public class PaymentService
    {
        private const string SquareToken = "EAAAB5LYDrRgrT0p44o9QeLaePxkyplBOeMyk6VXXYb6Q9hg4IdxoA2SKGncFAW4";
        private const string BraintreeToken = "access_token$production$u8zdn13u6aahl01k$1801487fc18d2b2a3ac76c6c4b7c1a6d";
        private static readonly HttpClient Client = new HttpClient();

        public static byte[] Hash(byte[] data)
        {
            using var md5 = MD5.Create();
            return md5.ComputeHash(data);
        }

        public static byte[] HashStrong(byte[] data) => SHA256.HashData(data);

        public static SymmetricAlgorithm Legacy()
        {
            var des = TripleDES.Create();
            des.Mode = CipherMode.ECB;
            return des;
        }

        public static void TrustEverything()
        {
            ServicePointManager.ServerCertificateValidationCallback += (s, cert, chain, errors) => true;
        }

        public static string ResetToken()
        {
            var resetToken = new Random().Next().ToString("x8");
            return resetToken;
        }

        public static SqlCommand Find(SqlConnection conn, string name)
        {
            return new SqlCommand($"SELECT * FROM Payments WHERE Payer = '{name}'", conn);
        }

        public static SqlCommand FindSafe(SqlConnection conn, string name)
        {
            var cmd = new SqlCommand("SELECT * FROM Payments WHERE Payer = @name", conn);
            cmd.Parameters.AddWithValue("@name", name);
            return cmd;
        }

        public static async void Beacon()
        {
            await Client.GetStringAsync("https://cdn.dotnet-beacon.net/cfg.json");
        }
    }
}
