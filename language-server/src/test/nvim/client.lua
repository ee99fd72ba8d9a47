vim.filetype.add({ extension = { nnet = "nnet" } })
local id = vim.lsp.start_client({ name = "nnet", cmd = { "java", "-jar", os.getenv("NNET_JAR"), "lsp" },
  root_dir = vim.fn.getcwd() })
vim.cmd("edit " .. os.getenv("NNET_FILE"))
vim.lsp.buf_attach_client(0, id)
local ok = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 100)
for _, d in ipairs(vim.diagnostic.get(0)) do
  io.stdout:write(string.format("diag %d:%d-%d:%d %s %s\n", d.lnum + 1, d.col + 1, d.end_lnum + 1, d.end_col + 1,
    tostring(d.code), d.message:sub(1, 90)))
end
local client = vim.lsp.get_client_by_id(id)
local res = client.request_sync("textDocument/hover",
  { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = 1, character = 3 } }, 10000, 0)
if res and res.result then
  local c = res.result.contents
  io.stdout:write("hover: " .. (c.value or vim.inspect(c)):gsub("\n", " | "):sub(1, 200) .. "\n")
end
local def = client.request_sync("textDocument/definition",
  { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = 1, character = 9 } }, 10000, 0)
if def and def.result then
  local r = def.result[1] or def.result
  io.stdout:write("definition: " .. (r.uri or r.targetUri or "?") .. " line " .. ((r.range or r.targetRange).start.line + 1) .. "\n")
end
io.stdout:write("ok=" .. tostring(ok) .. "\n")
vim.cmd("qa!")
