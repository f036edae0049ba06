using System.Diagnostics;
using System.IO;
using Microsoft.AspNetCore.Mvc;

namespace Acme.Api.Controllers
{
    public class FilesController : Controller
    {
        private readonly string root = "/srv/files";

        public IActionResult Get()
        {
            var bytes = File.ReadAllBytes(Path.Combine(root, Request.Query["name"]));
            return File(bytes, "application/octet-stream");
        }

        public IActionResult Ping(string host)
        {
            Process.Start("cmd.exe", "/c ping " + host);
            Process.Start("git", "status");
            return Ok();
        }
    }
}
