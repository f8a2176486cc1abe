package invoice

// catalogue is every message the product shows a person for an error, in Chinese and
// English: the one place its words are written (docs/errors.md, "Messages"). The window
// and kaipiaoctl render through Say, FieldError.Text and Explain; no other package
// words an error of its own.
//
// Keys: a rule error's key is its rule code (docs/errors.md), or "rule/variant" where one
// rule has several wordings (the rule code is what comes before the slash, and what
// automation sees). A sentinel's key names the sentinel (device.refused); its English is
// the sentinel's Error, its Chinese what the clerk reads.
//
// Parameters: {field} the field's path, {label} its Chinese name (Label), {value} the
// offending value; {name:q} quotes like Go's %q. Every message a rule error shows names
// the field, the value and the rule's limit where it has one. TestCatalogue checks that
// every key the code uses is here, with both languages, and uses only parameters it is
// given.
//
// To add a message: add its key here with both texts, then use the key —
// NewFieldError(field, key, value, Args{...}) for bad input, NewSentinel(key) for a
// sentinel, NewProblem(err, key, Args{...}) for a refusal with details.
var catalogue = map[string]Message{}

// ruleMessages are the rule errors' (FieldError): their codes are docs/errors.md's table.
var ruleMessages = map[string]Message{
	// --- The order's fields (invoice/check.go) ---
	"order_id.format": {
		Zh: "订单号“{value}”只能由1至40个字母、数字或 _ - . 组成",
		En: "order_id {value:q} must be 1-40 characters of A-Z a-z 0-9 _ - ."},
	"type.unknown": {
		Zh: "发票类型“{value}”无效：应为 e-ordinary（电子普通发票）或 e-special（电子专用发票）",
		En: "type {value:q} must be e-ordinary or e-special"},
	"type.channel": {
		Zh: "发票类型“{value}”是数电票，本数据目录使用税控设备开票（--channel device）",
		En: "type {value:q} is a digital invoice, but this data folder issues through a tax-control device"},
	"email.format": {
		Zh: "购买方邮箱“{value}”格式不正确",
		En: "buyer.email {value:q} is not an e-mail address"},
	"remark.reserved": {
		Zh: "备注不能自行填写“{phrase}”：红字发票的对应信息由系统生成",
		En: "remark may not contain the red-invoice phrase {phrase:q}; it is generated"},
	"field.required": {
		Zh: "{label}不能为空",
		En: "{field} is required"},
	"field.required/special": {
		Zh: "开具专票时{label}不能为空",
		En: "{field} is required on an e-special invoice"},
	"text.control": {
		Zh: "{label}含有不可打印的控制字符（{code}）",
		En: "{field} contains the control character {code}"},
	"gbk.encodable": {
		Zh: "{label}中的字符“{char}”（{code}）不在GBK字符集中，税控系统无法开具，请改用其他写法",
		En: "{field}: character {char_q} ({code}) is not encodable in GBK"},
	"gbk.length": {
		Zh: "{label}最多{max}字节（GBK编码，汉字占2字节），现为{n}字节",
		En: "{field} is {n} GBK bytes, at most {max} allowed"},
	"gbk.length/printed": {
		Zh: "打印名称“{printed}”最多{max}字节（GBK编码，汉字占2字节），现为{n}字节，请缩短项目名称",
		En: "{field}: the printed name {printed:q} is {n} GBK bytes, at most {max} allowed"},
	"tax_id.check": {
		Zh: "纳税人识别号“{value}”的校验位错误：第18位应为“{want}”，请核对",
		En: "{field} {value:q} fails the credit-code check: the 18th character should be {want}"},
	"tax_id.org_check": {
		Zh: "纳税人识别号“{value}”中的组织机构代码（第9至17位）校验位错误：第17位应为“{want}”",
		En: "{field} {value:q}: the organisation code in positions 9-17 fails its check; position 17 should be {want}"},
	"tax_id.format": {
		Zh: "纳税人识别号“{value}”格式不正确：应为18位统一社会信用代码（数字和大写字母，不含I、O、Z、S、V），或15、17、20位旧税号",
		En: "{field} {value:q} is neither an 18-character credit code nor a 15/17/20-character legacy ID"},
	"money.format": {
		Zh: "{label}“{value}”不是有效金额：应为最多2位小数的十进制数",
		En: "{field} {value:q} is not an amount with at most 2 decimals: {err}"},
	"money.range": {
		Zh: "{label}“{value}”超出可开具的范围（最大 {max}）",
		En: "{field} {value:q} exceeds {max}"},
	"money.range/product": {
		Zh: "{label}：数量×单价={value}，超出可开具的范围",
		En: "{field}: quantity × unit_price = {value} is out of range"},
	"decimal.format": {
		Zh: "{label}“{value}”应为正的十进制数，最多{places}位小数",
		En: "{field} {value:q} must be a positive decimal with at most {places} fractional digits"},
	"decimal.positive": {
		Zh: "{label}必须大于0，现为“{value}”",
		En: "{field} must be positive, got {value:q}"},
	"decimal.range": {
		Zh: "{label}“{value}”过大",
		En: "{field} {value:q} is too large"},
	"decimal.range/chars": {
		Zh: "{label}“{value}”超过税控设备可接受的{chars}个字符",
		En: "{field} {value:q} is longer than the device's {chars} characters"},

	// --- Lines, amounts and tax (invoice/lines.go, invoice/price.go) ---
	"lines.count/none": {
		Zh: "订单至少需要1个商品行",
		En: "an order needs at least one line"},
	"lines.count": {
		Zh: "一张订单最多{max}个商品行，现有{value}行，请拆分订单",
		En: "an order holds at most {max} lines, this one has {value}"},
	"tax.invoice_tolerance": {
		Zh: "各行税额与“金额×税率”的误差合计为{value}，超过整张发票允许的±{max}",
		En: "the stated line taxes of the invoice differ from amount × rate by {value} in all, beyond ±{max}"},
	"tax.invoice_tolerance/part": {
		Zh: "拆分后的第{part}张发票各行税额与“金额×税率”的误差合计为{value}，超过整张发票允许的±{max}",
		En: "the stated line taxes of invoice {part} of the split differ from amount × rate by {value} in all, beyond ±{max}"},
	"name.short_name": {
		Zh: "{label}“{value}”中的简称“*{given}*”与税收分类编码{code}的简称“*{short}*”不符：请去掉简称或改用相符的编码",
		En: "{field} {value:q} carries the short name *{given}*, but tax code {code} has *{short}*"},
	"special.exempt": {
		Zh: "{label}：免税、不征税项目不能开具增值税专用发票，请改开电子普通发票",
		En: "{field} {value}: a VAT special invoice may not be issued for exempt or not-taxable sales"},
	"quantity.pair": {
		Zh: "{label}：数量和单价须同时填写或同时不填",
		En: "{field}: quantity and unit_price go together or not at all"},
	"amount.mismatch": {
		Zh: "{label}“{value}”与数量×单价（{quantity}×{price}={product}）不符，相差须小于0.01",
		En: "{field} {value} does not match quantity × unit_price = {product} within 0.01"},
	"amount.required": {
		Zh: "{label}：未填写数量和单价时必须填写金额",
		En: "{field} is required when there is no quantity and unit_price"},
	"amount.positive": {
		Zh: "{label}必须大于0，现为{value}",
		En: "{field} must be positive, got {value}"},
	"tax.zero_rate": {
		Zh: "{label}：税率为0时税额必须为0，现为{value}",
		En: "{field} must be 0 at a zero rate, got {value}"},
	"tax.tolerance": {
		Zh: "{label}“{value}”与金额×税率（{expected}）相差{diff}，超过税控设备允许的±{max}",
		En: "{field} {value} differs from amount × rate = {expected} by {diff}, beyond the device's ±{max}"},
	"discount.positive": {
		Zh: "{label}必须为正数，现为“{value}”",
		En: "{field} must be a positive amount, got {value:q}"},
	"discount.exceeds": {
		Zh: "{label}{discount}超过该行金额{amount}",
		En: "{field} {discount} exceeds the line's amount {amount}"},
	"tax_code.format": {
		Zh: "税收分类编码应为19位数字，“{value}”为{n}位",
		En: "{field} {value:q} must be 19 digits"},
	"tax_code.unknown": {
		Zh: "税收分类编码“{value}”不在编码表（版本{version}）中",
		En: "{field} {value} is not in the code table version {version}"},
	"tax_code.summary": {
		Zh: "税收分类编码“{value}”（{name}）是汇总项，不能用于开票，请选用其下的具体编码，如{named}",
		En: "{field} {value} ({name}) is a summary node of the code table, not for invoices; codes under it: {leaves}"},
	"tax_code.superseded": {
		Zh: "税收分类编码“{value}”（{name}）已停用，编码表中没有简称，请改用现行编码",
		En: "{field} {value} ({name}) is superseded: it has no short name"},
	"tax_rate.unknown": {
		Zh: "税率“{value}”不可用：应为 0.13、0.09、0.06、0.05、0.03、0.015、0.01 或 0",
		En: "{field} {value:q} is not a rate in use (0.13, 0.09, 0.06, 0.05, 0.03, 0.015, 0.01 or 0)"},
	"zero_rate.required": {
		Zh: "{label}：税率为0时必须填写零税率标识（export 出口退税、exempt 免税、not_taxable 不征税、zero_rate 普通零税率）",
		En: "{field} is required when the rate is 0: export, exempt, not_taxable or zero_rate"},
	"zero_rate.unknown": {
		Zh: "{label}“{value}”无效：应为 export、exempt、not_taxable 或 zero_rate",
		En: "{field} {value:q} must be export, exempt, not_taxable or zero_rate"},
	"zero_rate.unexpected": {
		Zh: "{label}：税率为{percent}时不能填写零税率标识",
		En: "{field} is only for a zero rate, the rate is {rate}"},
	"price.unprintable": {
		Zh: "{label}：数量{value}与金额{amount}无法用税控设备可接受的单价（最多{places}位小数、{chars}个字符）打印为“数量×单价=金额”（误差须小于0.01），请调整数量或金额",
		En: "{field}: no unit price of at most {places} places and {chars} characters gives quantity {value} × price = amount {amount} within 0.01"},
	"price.unprintable/split": {
		Zh: "按单张限额{limit}拆分后，有商品行无法用税控设备可接受的单价（最多{places}位小数、{chars}个字符）打印为“数量×单价=金额”（误差须小于0.01），请调整数量",
		En: "split over the limit {limit}, a piece has no unit price of at most {places} places and {chars} characters giving its amount within 0.01"},
	"split.too_many": {
		Zh: "合计金额{value}远超单张限额{limit}，需拆分为{parts}张以上发票，请核对数量、单价和金额",
		En: "the total {value} would need more than {parts} invoices of at most {limit}"},

	// --- Red orders (invoice/red.go) ---
	"red.lines_given": {
		Zh: "红字发票的商品行由对应的蓝字发票生成，不能另行填写 lines；部分冲红请在 red_of.lines 中指定",
		En: "a red order takes its lines from the blue invoice; give partial lines in red_of.lines"},
	"red.code": {
		Zh: "蓝字发票代码“{value}”应为12位（或旧版10位）数字",
		En: "{field} {value:q} must be 12 (or legacy 10) digits"},
	"red.number": {
		Zh: "蓝字发票号码“{value}”应为8位数字",
		En: "{field} {value:q} must be 8 digits"},
	"red.number/digital": {
		Zh: "蓝字发票号码“{value}”应为20位数电票号码（或填写发票代码及8位号码）",
		En: "{field} {value:q} must be a 20-digit digital invoice number (or give the code and an 8-digit number)"},
	"red.notice_digital": {
		Zh: "数电票冲红使用红字发票信息确认单（slip），不填写红字信息表编号",
		En: "a digital red invoice names a confirmation slip (slip), not a red notice"},
	"red.slip_required": {
		Zh: "数电票冲红须有红字发票信息确认单：先用“红字确认单”申请（kaipiaoctl redslip request），确认后开具（red --slip）",
		En: "a digital red invoice needs a confirmation slip: request one (kaipiaoctl redslip request), then issue it (red --slip)"},
	"red.slip_format": {
		Zh: "红字发票信息确认单编号“{value}”应为20位数字",
		En: "{field} {value:q} must be 20 digits"},
	"red.slip_device": {
		Zh: "红字发票信息确认单只用于数电票；税控设备开具的发票冲红不填写 slip",
		En: "a confirmation slip is for digital invoices only; a device invoice's red order has no slip"},
	"red.reason": {
		Zh: "冲红原因“{value}”无效：应为 1 开票有误、2 销货退回、3 服务中止、4 销售折让",
		En: "{field} {value} must be 1-4"},
	"red.line": {
		Zh: "{label}应为蓝字发票的商品行号（从1开始），现为{value}",
		En: "{field} must be a 1-based goods line of the blue invoice, got {value}"},
	"red.line/missing": {
		Zh: "蓝字发票没有第{value}个商品行（共{lines}行）",
		En: "{field} {value}: the blue invoice has {lines} goods lines"},
	"red.duplicate_line": {
		Zh: "蓝字发票第{value}行在红冲明细中出现了两次",
		En: "{field} {value} is listed twice"},
	"red.quantity_or_amount": {
		Zh: "{label}：部分冲红须填写冲红数量或金额",
		En: "{field} or amount is required"},
	"amount.positive/red": {
		Zh: "{label}不能为0",
		En: "{field} must not be 0"},
	"field.required/notice": {
		Zh: "冲红专票须填写红字信息表编号（16位）",
		En: "a red e-special invoice needs the 16-digit red notice number"},
	"red.notice_format": {
		Zh: "红字信息表编号“{value}”应为16位数字",
		En: "{field} {value:q} must be 16 digits"},
	"red.notice_check": {
		Zh: "红字信息表编号“{value}”校验位错误：第16位应为{want}",
		En: "{field} {value:q} fails its check: the 16th digit should be {want}"},
	"field.required/red_of": {
		Zh: "红字发票须指定对应的蓝字发票（red_of）",
		En: "red_of is required"},
	"red.of_red": {
		Zh: "发票 {ref} 本身是红字发票，不能再冲红",
		En: "invoice {ref} is itself red"},
	"red.blue_mismatch": {
		Zh: "红冲请求指向 {value}，但给出的蓝字发票是 {blue}",
		En: "red_of names {value} but the blue invoice is {blue}"},
	"red.nothing_left": {
		Zh: "发票 {code} 号码 {number} 已全部冲红，没有可冲红的余额",
		En: "invoice {code}:{number} is fully reversed already"},
	"red.no_quantity": {
		Zh: "蓝字发票第{line}行没有数量，只能按金额冲红",
		En: "{field}: blue line {line} has no quantity; reverse by amount"},
	"red.quantity_exceeds": {
		Zh: "冲红数量{quantity}超过蓝字发票第{line}行尚可冲红的数量{left}",
		En: "{field} {quantity} exceeds the {left} left on blue line {line}"},
	"amount.mismatch/red": {
		Zh: "冲红金额{amount}与冲红数量×单价（{product2}）不符",
		En: "{field} {amount} does not match quantity × price = {product}"},
	"red.amount_exceeds": {
		Zh: "冲红金额{value}超过蓝字发票第{line}行尚可冲红的金额{left}",
		En: "{field} {value} exceeds the {left} left on blue line {line}"},

	// --- Reading an order file (orderfile/): JSON, tables, Excel, mappings ---
	"field.duplicate": {
		Zh: "字段“{value}”重复出现：每个字段只能给出一次",
		En: "member {value:q} appears twice"},
	"field.unknown": {
		Zh: "未知字段“{value}”：请检查拼写（订单格式见 docs/order.md）",
		En: "unknown field {value:q}"},
	"decimal.string": {
		Zh: "{label}须写成带引号的十进制字符串（如 \"{value}\"），不能写成数字 {value}",
		En: "{field} must be a decimal string such as \"{value}\", not the JSON number {value}"},
	"field.type/object":  {Zh: "{label}应为对象，实为 {value}", En: "{field} must be a object, got {value}"},
	"field.type/array":   {Zh: "{label}应为数组，实为 {value}", En: "{field} must be a array, got {value}"},
	"field.type/string":  {Zh: "{label}应为文本，实为 {value}", En: "{field} must be a string, got {value}"},
	"field.type/boolean": {Zh: "{label}应为布尔值（true 或 false），实为 {value}", En: "{field} must be a boolean (true or false), got {value}"},
	"field.type/integer": {Zh: "{label}应为整数，实为 {value}", En: "{field} must be a whole number, got {value}"},
	"field.type/decimal": {Zh: "{label}应为十进制字符串，实为 {value}", En: "{field} must be a decimal string, got {value}"},
	"field.type/table_bool": {
		Zh: "含税列应为 true/false 或 是/否，实为“{value}”",
		En: "price_includes_tax must be true/false or 是/否, got {value:q}"},
	"json.syntax": {
		Zh: "订单文件不是有效的JSON：{err}",
		En: "{err}"},
	"file.size": {
		Zh: "文件 {file} 超过{max} MB，请拆分后导入",
		En: "{file} is over {max} MB: split it"},
	"file.unzip": {
		Zh: "Excel文件解压后超过{max} MB，无法导入",
		En: "the workbook unzips to more than {max} MB"},
	"file.orders": {
		Zh: "文件有{value}个订单，超过上限{max}，请拆分后导入",
		En: "the file holds {value} orders, over the limit of {max}: split it"},
	"table.xlsx/book": {
		Zh: "无法读取Excel文件：{err}",
		En: "cannot read the workbook: {err}"},
	"table.xlsx": {
		Zh: "无法读取Excel工作表：{err}",
		En: "cannot read the sheet: {err}"},
	"table.empty/no_sheet": {
		Zh: "Excel文件没有工作表",
		En: "the workbook has no sheet"},
	"mapping.unknown_column": {
		Zh: "列“{header}”对应的“{value}”不是 docs/order.md 中的列名",
		En: "header {header:q} maps to {value:q}, which is no column"},
	"mapping.duplicate": {
		Zh: "列“{other}”和“{header}”都对应“{value}”，每列只能对应一次",
		En: "headers {other:q} and {header:q} both map to {canon:q}"},
	"table.missing_column/masterdata": {
		Zh: "第1行：缺少“{column}”列",
		En: "row 1: the column {column:q} is missing"},
	"field.required/masterdata": {
		Zh: "第{row}行“{column}”：不能为空",
		En: "row {row} {column:q}: required"},
	"field.required/masterdata_value": {
		Zh: "第{row}行“{column}”“{value}”：不能为空",
		En: "row {row} {column:q}: required"},
	"tax_id.check/masterdata": {
		Zh: "第{row}行“{column}”“{value}”：校验位错误，最后一位应为“{want}”（tax_id.check）",
		En: "row {row} {column:q} {value:q}: the check character should be {want} (tax_id.check)"},
	"tax_id.org_check/masterdata": {
		Zh: "第{row}行“{column}”“{value}”：其中的组织机构代码校验错误（tax_id.org_check）",
		En: "row {row} {column:q} {value:q}: the organisation code inside it fails its check (tax_id.org_check)"},
	"tax_id.format/masterdata": {
		Zh: "第{row}行“{column}”“{value}”：应为18位统一社会信用代码或15、17、20位纳税人识别号（tax_id.format）",
		En: "row {row} {column:q} {value:q}: must be an 18-character credit code or a 15/17/20-character tax ID (tax_id.format)"},
	"tax_code.unknown/masterdata": {
		Zh: "第{row}行“{column}”“{value}”：不在税收分类编码表中或已停用",
		En: "row {row} {column:q} {value:q}: not in the tax code table, or superseded"},
	"tax_rate.unknown/masterdata": {
		Zh: "第{row}行“{column}”“{value}”：应为13%、9%、6%、5%、3%、1.5%、1%或0",
		En: "row {row} {column:q} {value:q}: must be 13%, 9%, 6%, 5%, 3%, 1.5%, 1% or 0"},
	"zero_rate.unknown/masterdata": {
		Zh: "第{row}行“{column}”“{value}”：应为 export、exempt、not_taxable 或 zero_rate",
		En: "row {row} {column:q} {value:q}: must be export, exempt, not_taxable or zero_rate"},
	"decimal.format/masterdata": {
		Zh: "第{row}行“{column}”“{value}”：应为不小于0的数字",
		En: "row {row} {column:q} {value:q}: must be a number of at least 0"},
	"table.encoding": {
		Zh: "CSV文件既不是UTF-8也不是GBK编码，请另存为UTF-8或GBK",
		En: "the CSV file is neither UTF-8 nor GBK"},
	"table.csv": {
		Zh: "CSV格式错误：{value}",
		En: "malformed CSV: {value}"},
	"table.empty": {
		Zh: "表格为空",
		En: "the table is empty"},
	"table.duplicate_column": {
		Zh: "表头中“{value}”列出现了两次",
		En: "column {value:q} appears twice"},
	"table.unknown_column": {
		Zh: "未知的列“{value}”：列名应为 docs/order.md 中的英文或中文列名",
		En: "unknown column {value:q}"},
	"table.missing_column": {
		Zh: "表格缺少“订单号”（order_id）列",
		En: "the table has no order_id column"},
	"table.no_rows": {
		Zh: "表格只有表头，没有订单行",
		En: "the table has a header but no rows"},
	"table.inconsistent": {
		Zh: "订单“{order}”的整单信息应与该订单第一行一致，此处为“{value}”",
		En: "order {order:q}: an order-level value differs from the order's first row: {value:q}"},
	"table.rows": {
		Zh: "表格超过{value}行，请拆分为多个文件导入",
		En: "the table has more than {value} rows: split it into several files"},
	"table.cell": {
		Zh: "第{row}行第{col}列的单元格有{value}字节，超过上限{max}字节",
		En: "row {row} column {col}: the cell is {value} bytes, over the limit of {max}"},
}

// sentinels are the errors the product classifies (invoice's own, the store's, the
// device's): each is declared with NewSentinel(key) where it lives, and worded here. The
// English is the sentinel's Error; the Chinese is what the clerk reads.
var sentinels = map[string]Message{
	"device.outcome_unknown": {
		Zh: "税控设备没有应答，结果未知；恢复连接后系统会自动核对，请勿重复开具。",
		En: "the device's answer was lost: outcome unknown"},
	"device.unreachable": {
		Zh: "税控设备现在无法连接（端口已断开或设备没有应答）；设备恢复后系统会自动核对",
		En: "the tax-control device cannot be reached now"},
	"device.refused": {
		Zh: "税控设备拒绝开具",
		En: "refused by the tax-control device"},
	"device.number_mismatch": {
		Zh: "税控设备的下一个发票号码与本机记录不一致，请先同步设备（核对）后再开具",
		En: "the device's next invoice number is not the expected one"},
	"order.no_headroom": {
		Zh: "订单整体超出税控设备剩余的开票能力，未开具任何发票",
		En: "the order does not fit what the device has left"},
	"order.partly_issued": {
		Zh: "订单只开具了一部分",
		En: "the order was partly issued"},
	"order.changed": {
		Zh: "该订单已开具过发票，且内容与本次不同。",
		En: "this order was issued before with different content"},
	"red.blue_not_found": {
		Zh: "要冲红的蓝字发票不在本机的发票库中",
		En: "the blue invoice to reverse is not in this workstation's store"},
}

// The store's sentinels and refusals.
var storeMessages = map[string]Message{
	"store.locked": {
		Zh: "本工作站的数据已在另一个 Kaipiao 窗口或命令中打开",
		En: "the workstation's data is already open in another program"},
	"store.not_found": {
		Zh: "没有找到",
		En: "not found"},
	"store.newer_schema": {
		Zh: "数据文件由更新版本的 Kaipiao 写入，请升级本程序",
		En: "the data file was written by a newer version of Kaipiao"},
	"store.damaged": {
		Zh: "数据文件已损坏：请运行 kaipiaoctl store repair，从税控设备的记录和服务平台重建",
		En: "the data file is damaged: run `kaipiaoctl store check`, then `kaipiaoctl store repair`"},
	"digital.damaged": {
		Zh: "数电通道文件（digital.db）已损坏，暂不能开具数电发票：已开的发票仍保存在本机数据和服务平台中；请保留该文件并联系技术支持",
		En: "the digital channel's file (digital.db) is damaged: no digital invoice can be issued until it is recovered; the invoices it issued are in the store and on the platform"},
	"store.intent_conflict": {
		Zh: "本请求未完成的开票记录对应另一张发票，请先对账",
		En: "an open intent for this request carries a different invoice"},
	"store.issued_conflict": {
		Zh: "本机已为该请求或号码记录了另一张发票：本机与税控设备不一致，请先对账",
		En: "the store already holds a different invoice for this request or number"},
	"audit.broken": {
		Zh: "审计日志已被篡改",
		En: "the audit log has been tampered with"},
	"login.bad": {
		Zh: "用户名或密码错误",
		En: "wrong operator name or password"},
	"login.bad_token": {
		Zh: "API 令牌无效",
		En: "the API token is not valid"},
	"login.locked_out": {
		Zh: "密码错误次数过多，该操作员已被锁定，请于 {until} 后再试",
		En: "too many wrong passwords: locked until {until}"},
	"operator.exists": {
		Zh: "已有同名操作员",
		En: "an operator of that name exists"},
	"operator.weak_password": {
		Zh: "密码至少8个字符",
		En: "the password must have at least 8 characters"},
	"operator.last_admin": {
		Zh: "不能删除或降级最后一名管理员",
		En: "the last administrator cannot be removed or demoted"},
	"operator.disabled": {
		Zh: "该操作员已停用",
		En: "the operator is disabled"},
	"mail.settings": {
		Zh: "邮件设置不完整：须填写服务器、端口和有效的发件地址（发件地址“{value}”）",
		En: "incomplete mail settings: a server, a port and a valid sender address are needed (sender {value:q})"},
	"mail.address": {
		Zh: "发票{code}:{number}的收件地址“{value}”无效：{err}",
		En: "invoice {code}:{number}: the recipient address {value:q} is not valid: {err}"},
	"mail.no_server":       {Zh: "尚未设置邮件服务器（kaipiaoctl mail settings）", En: "no mail server is set (kaipiaoctl mail settings)"},
	"mail.pdf_failed":      {Zh: "生成PDF失败", En: "making the PDF failed"},
	"mail.ofd_failed":      {Zh: "生成OFD失败", En: "making the OFD failed"},
	"mail.from_invalid":    {Zh: "发件地址“{value}”无效", En: "the sender address {value:q} is not valid"},
	"mail.to_invalid":      {Zh: "收件地址“{value}”无效：{err}", En: "the recipient address {value:q} is not valid: {err}"},
	"mail.ca_unreadable":   {Zh: "邮件设置中的CA证书无法读取", En: "the CA certificate of the mail settings cannot be read"},
	"mail.connect_failed":  {Zh: "无法连接邮件服务器", En: "cannot reach the mail server"},
	"mail.starttls_failed": {Zh: "邮件服务器STARTTLS失败", En: "STARTTLS with the mail server failed"},
	"mail.login_failed":    {Zh: "邮件服务器登录失败", En: "logging in to the mail server failed"},
	"buyer.name": {
		Zh: "购买方名称不能为空（纳税人识别号“{tax_id}”）",
		En: "a buyer needs a name (tax ID {tax_id:q})"},
	"goods.name": {
		Zh: "商品名称不能为空（税收分类编码“{tax_code}”）",
		En: "goods need a name (tax code {tax_code:q})"},
	"goods.tax_code": {
		Zh: "商品“{name}”的税收分类编码应为19位数字，实为“{value}”",
		En: "goods {name:q}: the tax code must be 19 digits, got {value:q}"},
	"goods.rate": {
		Zh: "商品“{name}”的税率“{value}”不是可用税率（13%、9%、6%、5%、3%、1.5%、1%、0）",
		En: "goods {name:q}: the rate {value} is not in use (13%, 9%, 6%, 5%, 3%, 1.5%, 1%, 0)"},
	"goods.zero_rate": {
		Zh: "商品“{name}”税率为0，须注明零税率标识（export、exempt、not_taxable、zero_rate），实为“{value}”",
		En: "goods {name:q}: at rate 0 the zero-rate flag must be export, exempt, not_taxable or zero_rate, got {value:q}"},
	"goods.price": {
		Zh: "商品“{name}”的单价“{value}”不能为负数",
		En: "goods {name:q}: the unit price {value} must not be negative"},
}

// deviceMessages are the tax-control device's error codes (device.Code, device/PROTOCOL.md
// §6), and its client's sentinels.
var deviceMessages = map[string]Message{
	"device.code.ok":                {Zh: "成功", En: "ok"},
	"device.code.bad_request":       {Zh: "请求格式错误", En: "malformed request"},
	"device.code.unknown_command":   {Zh: "设备不支持该命令", En: "unknown command"},
	"device.code.no_session":        {Zh: "会话已失效（设备已重启），请重新连接", En: "no such session (device restarted)"},
	"device.code.pin_required":      {Zh: "请先输入设备口令", En: "PIN not verified"},
	"device.code.pin_wrong":         {Zh: "设备口令错误", En: "wrong PIN"},
	"device.code.pin_locked":        {Zh: "设备口令连续输错五次，已锁定，请联系税务机关解锁", En: "PIN locked after five wrong tries"},
	"device.code.not_found":         {Zh: "设备中没有该发票", En: "not found"},
	"device.code.stock_exhausted":   {Zh: "发票已用完，请领购发票", En: "invoice stock exhausted"},
	"device.code.number_mismatch":   {Zh: "发票号码与设备不一致，请先同步设备", En: "invoice number mismatch"},
	"device.code.request_reused":    {Zh: "请求号已用于另一张发票", En: "request ID reused with a different payload"},
	"device.code.invoice_limit":     {Zh: "超过单张开票限额", En: "over the per-invoice limit"},
	"device.code.offline_hours":     {Zh: "离线开票时长已到，请上传发票", En: "offline hours limit reached"},
	"device.code.offline_amount":    {Zh: "离线开票累计金额已到上限，请上传发票", En: "offline amount limit reached"},
	"device.code.month_locked":      {Zh: "已过开票截止时间，请抄报并清卡", En: "locked past the monthly issuing deadline"},
	"device.code.clock_backwards":   {Zh: "设备时钟早于上一张发票的开票时间", En: "device clock went backwards"},
	"device.code.bad_ack":           {Zh: "上传回执无效", En: "invalid upload acknowledgement"},
	"device.code.not_reported":      {Zh: "本期未抄报或发票未全部上传，不能清卡", En: "period not reported or not uploaded"},
	"device.code.period_open":       {Zh: "本月尚未结束，不能抄报", En: "period has not ended"},
	"device.code.internal":          {Zh: "设备内部错误", En: "device internal failure"},
	"device.code.bad_invoice":       {Zh: "发票内容不符合设备要求", En: "malformed invoice"},
	"device.code.blue_not_found":    {Zh: "设备中没有被冲红的蓝字发票", En: "blue invoice not found"},
	"device.code.sequence_stale":    {Zh: "过期的帧序号", En: "stale sequence number"},
	"device.code.payload_too_large": {Zh: "数据超过设备上限", En: "payload too large"},
	"device.unknown_code":           {Zh: "设备错误 {code}", En: "device error {code}"},
}

// printMessages are the printing package's errors (printing.Text).
var printMessages = map[string]Message{
	"print.no_printers": {
		Zh: "本机没有安装打印机。请先在系统中添加打印机。",
		En: "No printer is installed. Add a printer to the system first."},
	"print.no_default": {
		Zh: "没有选择打印机，系统也没有默认打印机。请选择一台打印机。",
		En: "No printer was chosen and the system has no default printer. Choose a printer."},
	"print.missing": {
		Zh: "找不到打印机“{printer}”。请重新选择打印机。",
		En: "Printer {printer:q} was not found. Choose the printer again."},
	"print.stopped": {
		Zh: "打印机“{printer}”已暂停，发票没有打印。请在系统的打印机设置中恢复（启用）该打印机后再打印。",
		En: "Printer {printer:q} is paused: nothing was printed. Resume (enable) it in the system's printer settings, then print again."},
	"print.rejecting": {
		Zh: "打印机“{printer}”拒绝接收打印任务，发票没有打印。请在系统的打印机设置中允许其接收任务。",
		En: "Printer {printer:q} rejects jobs: nothing was printed. Let it accept jobs in the system's printer settings."},
	"print.offline": {
		Zh: "打印机“{printer}”脱机或出错，发票没有打印。请检查打印机的电源、连接和纸张。",
		En: "Printer {printer:q} is offline or in error: nothing was printed. Check its power, connection and paper."},
	"print.refused": {
		Zh: "打印机“{printer}”的打印队列拒绝了任务，发票没有打印。",
		En: "The queue of printer {printer:q} refused the job: nothing was printed."},
	"print.spooler": {
		Zh: "无法连接系统的打印服务，发票没有打印。",
		En: "The system's print service cannot be reached: nothing was printed."},
	"print.failed": {
		Zh: "打印失败。",
		En: "Printing failed."},
	"print.failed_detail": {
		Zh: "打印失败：{err}",
		En: "Printing failed: {err}"},
}

// linkMessages are the device connection's states, for the window's banner
// (workstation.Link): what is wrong, and the hint what to do.
var linkMessages = map[string]Message{
	"link.with_port":       {Zh: "{problem}（端口 {port}）", En: "{problem} (port {port})"},
	"link.connecting":      {Zh: "正在连接税控设备", En: "connecting to the tax-control device"},
	"link.gone":            {Zh: "税控设备已断开（端口 {port}）", En: "the tax-control device is disconnected (port {port})"},
	"link.gone/hint":       {Zh: "请检查设备的USB线和电源；设备接回后会自动重新连接并对账。", En: "Check the device's USB cable and power; once it is back it reconnects and reconciles by itself."},
	"link.no_port":         {Zh: "未找到税控设备：端口 {port} 不存在", En: "no tax-control device: port {port} does not exist"},
	"link.no_port/hint":    {Zh: "请插好税控设备的USB线；设备换了USB口时，请在“设置”中重新选择端口。", En: "Plug in the device's USB cable; if it moved to another USB port, choose the port again in Settings."},
	"link.permission":      {Zh: "无权打开端口 {port}", En: "no permission to open port {port}"},
	"link.permission/hint": {Zh: "请让系统管理员把当前用户加入 dialout 组（Windows：检查设备驱动），然后点“重试”。", En: "Ask the administrator to add this user to the dialout group (Windows: check the device driver), then press Retry."},
	"link.other_device":    {Zh: "端口 {port} 上是另一台税控设备", En: "another tax-control device is on port {port}"},
	"link.other_device/hint": {
		Zh: "请接回本工作站的税控设备，或由管理员在“设置”中确认更换设备。",
		En: "Connect this workstation's device again, or have an administrator confirm the new device in Settings."},
	"link.busy/hint": {
		Zh: "请关闭占用该端口的程序（另一个开票软件窗口或串口工具）；端口空出后会自动连接。",
		En: "Close the program that has the port (another invoicing window or a serial tool); it connects by itself once the port is free."},
	"link.busy":           {Zh: "端口 {port} 正被另一个程序使用", En: "port {port} is in use by another program"},
	"link.pin":            {Zh: "税控设备口令错误：{why}", En: "the device's PIN is wrong: {why}"},
	"link.pin/hint":       {Zh: "请设置正确的设备口令（环境变量 KAIPIAO_DEVICE_PIN）后重试。", En: "Set the right PIN (environment variable KAIPIAO_DEVICE_PIN) and try again."},
	"link.silent":         {Zh: "端口 {port} 上的税控设备没有应答", En: "the tax-control device on port {port} does not answer"},
	"link.silent/hint":    {Zh: "请确认设备已开机、端口选择正确，然后点“重试”。", En: "Check that the device is on and the port is the right one, then press Retry."},
	"link.reconcile":      {Zh: "与税控设备对账未完成", En: "reconciliation with the device is not finished"},
	"link.reconcile/hint": {Zh: "设备应答恢复后会自动重新对账。", En: "It reconciles again by itself once the device answers."},
	"link.unusable":       {Zh: "无法使用端口 {port} 上的税控设备", En: "the tax-control device on port {port} cannot be used"},
	"link.unusable/hint":  {Zh: "请检查设备和端口设置，然后点“重试”。详情：{err}", En: "Check the device and the port settings, then press Retry. Details: {err}"},
}

// uiMessages are the window's own refusals and failures (its labels are in
// assets/translations, Fyne's mechanism for screen texts).
var uiMessages = map[string]Message{
	"access.device":           {Zh: "只有管理员可以管理税控设备", En: "only an administrator manages the tax-control device"},
	"access.settings":         {Zh: "只有管理员可以修改设置和操作员", En: "only an administrator changes the settings and the operators"},
	"export.none":             {Zh: "没有符合条件的发票", En: "no invoice matches"},
	"export.failed":           {Zh: "导出失败：{err}", En: "Export failed: {err}"},
	"template.failed":         {Zh: "保存模板失败：{err}", En: "Saving the template failed: {err}"},
	"mapping.read_failed":     {Zh: "无法读取列对应“{name}”：{err}", En: "cannot read the column mapping {name:q}: {err}"},
	"import.failed":           {Zh: "无法导入 {file}：{err}", En: "cannot import {file}: {err}"},
	"batch.stopped":           {Zh: "批量开具中止：{err}", En: "Issuing the batch stopped: {err}"},
	"red.failed":              {Zh: "红冲失败：{err}", En: "Reversing failed: {err}"},
	"issue.failed":            {Zh: "开票失败：{err}", En: "Issuing failed: {err}"},
	"issue_rest.failed":       {Zh: "开具剩余失败：{err}", En: "Issuing the rest failed: {err}"},
	"preview.failed":          {Zh: "无法预览：{err}", En: "Cannot preview: {err}"},
	"pdf.save_failed":         {Zh: "保存PDF失败：{err}", En: "Saving the PDF failed: {err}"},
	"settings.seller_invalid": {Zh: "销售方名称和纳税人识别号须正确填写（{problem}）", En: "the seller's name and tax ID must be filled in correctly ({problem})"},
	"audit.check_failed":      {Zh: "审计日志校验失败：{err}", En: "the audit log does not verify: {err}"},
	"audit.intact":            {Zh: "审计日志完整：共 {n} 条，哈希链校验通过", En: "the audit log is intact: {n} entries, the hash chain verifies"},
	"stats.device_failed":     {Zh: "无法读取税控设备：{err}", En: "cannot read the tax-control device: {err}"},
	"stats.report_failed":     {Zh: "无法读取抄报数据：{err}", En: "cannot read the device's report: {err}"},
	"stats.other_period":      {Zh: "税控设备只提供当前所属期 {period} 的抄报数据；{month} 只显示本机记录。", En: "the device reports only its current period {period}; {month} shows this workstation's records only."},
	"stats.not_reported":      {Zh: "所属期 {month} 尚未抄报：请在“税控设备”页抄报后再核对。", En: "period {month} is not reported yet: report it on the Tax device tab, then compare."},
	"mail.retrying":           {Zh: "邮件：待发送至 {to}（已尝试 {attempts} 次，下次 {next}）：{err}", En: "e-mail: to be sent to {to} ({attempts} tries, next {next}): {err}"},
	"mail.queued":             {Zh: "邮件：待发送至 {to}", En: "e-mail: to be sent to {to}"},
	"mail.sent":               {Zh: "邮件：已于 {at} 发送至 {to}", En: "e-mail: sent to {to} at {at}"},
	"mail.failed":             {Zh: "邮件：发送至 {to} 失败：{err}", En: "e-mail: sending to {to} failed: {err}"},
	"mail.not_sent":           {Zh: "邮件：未发送", En: "e-mail: not sent"},
	"partial.line":            {Zh: "发票代码 {code}  号码 {number}  价税合计 ¥{total}", En: "code {code}  number {number}  total ¥{total}"},
	"partial.issued": {
		Zh: "订单只开具了一部分：已开具以下 {n} 张发票，其余未开具。\n{lines}\n\n原因：{err}\n\n问题解决后，请在“发票查询”中点“开具剩余”。",
		En: "The order was issued in part: the {n} invoices below were issued, the rest was not.\n{lines}\n\nWhy: {err}\n\nOnce that is solved, press \"Issue the rest\" in Invoices."},
	"partial.read_failed":       {Zh: "读取部分开具的订单失败：{err}", En: "reading the partly issued orders failed: {err}"},
	"partial.order":             {Zh: "⚠ 部分开具：订单 {order} 已开 {issued} / {parts} 张。原因：{reason}", En: "⚠ Issued in part: order {order}, {issued} of {parts} invoices. Why: {reason}"},
	"goods.tax_code_unknown":    {Zh: "税收分类编码“{value}”不在编码表中或已停用", En: "tax code {value:q} is not in the code table or is superseded"},
	"goods.rate_format":         {Zh: "税率“{value}”应为13%、9%、6%、5%、3%、1.5%、1%或0", En: "rate {value:q} must be 13%, 9%, 6%, 5%, 3%, 1.5%, 1% or 0"},
	"goods.price_format":        {Zh: "单价“{value}”应为数字", En: "unit price {value:q} must be a number"},
	"print.copies":              {Zh: "份数应为 1 到 {max}", En: "copies must be 1 to {max}"},
	"setup.passwords_differ":    {Zh: "两次输入的密码不一致", En: "the two passwords differ"},
	"setup.seller_name":         {Zh: "请填写销售方名称", En: "enter the seller's name"},
	"setup.seller_tax_id_check": {Zh: "销售方纳税人识别号“{value}”校验位错误，应为“{want}”", En: "the seller's tax ID {value:q} fails its check: the last character should be {want}"},
	"setup.seller_tax_id":       {Zh: "销售方纳税人识别号“{value}”格式不正确", En: "the seller's tax ID {value:q} is not a tax ID"},
}

// exportMessages are the exports' and the monthly statistics' (export/).
var exportMessages = map[string]Message{
	"export.render_failed": {Zh: "发票{ref}的{kind}", En: "the {kind} of invoice {ref}"},
	"stats.month":          {Zh: "月份“{value}”应为YYYYMM，如202611", En: "month {value:q} must be YYYYMM, such as 202611"},
	"stats.mismatch": {
		Zh: "{label}不一致：本机记录{store}，税控设备抄报{device}；请先运行对账（reconcile）",
		En: "{field} differs: the store holds {store}, the device reported {device}; reconcile first"},
}

// startMessages are the desktop program's own (main.go): the dialog when it cannot
// start, and the certificates' buttons.
var startMessages = map[string]Message{
	"startup.title": {Zh: "无法启动", En: "Cannot start"},
	"startup.quit":  {Zh: "退出", En: "Quit"},
	"startup.data": {
		Zh: "开票程序无法启动：数据文件夹 {data} 无法使用。\n请检查它的位置和权限（启动参数 --data 或环境变量 KAIPIAO_DATA）。\n\n{err}",
		En: "Kaipiao cannot start: the data folder {data} cannot be used.\nCheck where it is and its permissions (the --data flag or KAIPIAO_DATA).\n\n{err}"},
	"startup.busy": {
		Zh: "开票程序无法启动：数据文件夹 {data} 已在另一个开票窗口或命令中打开。\n请先关闭它，然后重新启动。\n\n{err}",
		En: "Kaipiao cannot start: the data folder {data} is open in another Kaipiao window or command.\nClose it first, then start again.\n\n{err}"},
	// That no issued invoice is lost, and the way out: started from an icon, the clerk
	// would never see a message on stderr.
	"startup.damaged": {
		Zh: "数据文件已损坏，开票程序不能打开它。已开具的发票没有丢失：它们保存在税控设备的记录里，" +
			"并已（或将）上传到服务平台。\n\n请按以下步骤恢复：\n" +
			"1. 检查：kaipiaoctl --data {data_q} store check\n" +
			"2. 修复：kaipiaoctl --data {data_q} store repair\n" +
			"   （损坏的文件会被保留在旁边；新文件由可读的记录、税控设备的记录和服务平台重建）\n\n{err}",
		En: "The data file is damaged and Kaipiao cannot open it. No issued invoice is lost: they are in the " +
			"device's journal and were (or will be) uploaded to the platform.\n\nTo recover:\n" +
			"1. Check: kaipiaoctl --data {data_q} store check\n" +
			"2. Repair: kaipiaoctl --data {data_q} store repair\n" +
			"   (the damaged file is kept beside it; the new one is rebuilt from what is readable, the device's journal and the platform)\n\n{err}"},
	"startup.digital_damaged": {
		Zh: "数据文件夹 {data} 中的数电通道文件 digital.db 已损坏，开票程序不能打开它。已开具的数电发票没有丢失：它们保存在本机数据文件中，" +
			"并已（或将）上传到服务平台。\n\n请保留该文件（不要删除或移动），联系技术支持恢复；恢复前不能开具数电发票。\n\n{err}",
		En: "The digital channel's file digital.db in the data folder {data} is damaged and Kaipiao cannot open it. No issued digital invoice is lost: " +
			"they are in the data file and were (or will be) uploaded to the platform.\n\nKeep the file (do not delete or move it) and contact support " +
			"to recover it; no digital invoice can be issued until then.\n\n{err}"},
	"pki.imported": {Zh: "已导入证书（{n}个文件）", En: "certificates imported ({n} files)"},
	"pki.demo":     {Zh: "已生成演示证书（{n}个文件）；服务平台的部分在 {dir}", En: "demo certificates made ({n} files); the platform's part is in {dir}"},
}

// digitalMessages are the digital channel's (数电票: digital/, workstation, the slips).
var digitalMessages = map[string]Message{
	"refused.digital_kind": {
		Zh: "本数据目录使用数电票渠道开票，不能开具{title}",
		En: "this data folder issues 数电票 (--channel digital), not {kind}"},
	"refused.digital_quota": {
		Zh: "本月授信额度不足：剩余 ¥{left}，本张发票不含税金额 ¥{amount}；请获取额度：digital fetch --quota",
		En: "the quota left for {period} is {left}, the invoice needs {amount}"},
	"digital.no_quota": {
		Zh: "本月（{period}）没有可用的授信额度，请先获取额度（digital fetch --quota）",
		En: "no quota is held for {period}: fetch some (digital fetch --quota)"},
	"digital.not_fetched": {
		Zh: "尚未从平台获取号码和额度（digital fetch）",
		En: "no numbers or quota fetched from the platform yet (digital fetch)"},
	"digital.deadline_passed": {
		Zh: "已超过上传截止时间 {at}，请先同步已开发票并重新获取（sync，digital fetch）",
		En: "the upload deadline {at} has passed: sync the issued invoices and fetch again (sync, digital fetch)"},
	"digital.no_numbers": {
		Zh: "没有可用的数电票号码，请先获取号码",
		En: "no digital invoice numbers held: fetch some first"},
	"digital.fetch_args": {
		Zh: "获取号码数量应为0至{max}，额度不能为负",
		En: "numbers {numbers} must be 0–{max}, quota {quota} not negative"},
	"digital.seller_mismatch": {
		Zh: "销方纳税人识别号 {seller} 与企业证书的 {cert} 不一致",
		En: "the seller's tax ID {seller} is not the enterprise certificate's {cert}: the platform would refuse every invoice"},
	"channel.unknown": {
		Zh: "开票渠道“{value}”无效：应为 device（税控设备）或 digital（数电票）",
		En: "channel {value:q} must be device or digital"},
	"channel.open_requests": {
		Zh: "不能切换开票渠道：有 {n} 张发票的开具结果尚未确认，请先在原渠道下运行 reconcile",
		En: "cannot switch from {old} to {new}: {n} request(s) are still open; run `kaipiaoctl reconcile` first"},
	"slip.number": {
		Zh: "确认单编号 {value} 应为20位数字",
		En: "the slip number {value} must be 20 digits"},
	"slip.reason": {
		Zh: "冲红原因 {value} 应为 开票有误、销货退回、服务中止 或 销售折让（或 1–4）",
		En: "reason {value} must be one of the four or 1-4"},
}

// hints are advice the programs add to an error.
var hints = map[string]Message{
	"hint.reconcile": {
		Zh: "税控设备可能已开具：设备恢复应答后请运行 kaipiaoctl reconcile 核对。",
		En: "The device may have issued it; run `kaipiaoctl reconcile` once the device answers."},
}

// problems are the refusals with details (NewProblem).
var problems = map[string]Message{
	"ref.format": {
		Zh: "发票“{value}”应写作“发票代码:发票号码”（12位代码:8位号码）或20位数电票号码",
		En: "invoice {quoted} must be CODE:NUMBER, 12 digits:8 digits, or a 20-digit digital invoice number"},
	"refused.stock": {
		Zh: "{title}库存不足，请领购发票",
		En: "no {kind} invoice numbers left in stock"},
	"refused.digital_none": {
		Zh: "没有可用的数电票号码，请先获取号码：digital fetch",
		En: "no digital invoice numbers held"},
	"refused.digital_number": {
		Zh: "{ref}不是数电票号码",
		En: "the channel offers {ref} for a {kind} invoice"},
	"refused.slip_state": {
		Zh: "红字发票信息确认单 {slip} 状态为 {state} {state_text}，不能开具红字发票（须为 01 无需确认 或 04 购销双方已确认）",
		En: "confirmation slip {slip} is in state {state}: no red invoice (it must be 01 or 04)"},
	"refused.slip_seller": {
		Zh: "红字发票信息确认单 {slip} 的销方是 {slip_seller}，本机开具的蓝字发票 {blue} 的销方是 {seller}",
		En: "confirmation slip {slip} is seller {slip_seller}'s, blue invoice {blue} here is seller {seller}'s"},
	"refused.slip_blue": {
		Zh: "本机没有红字发票信息确认单 {slip} 的蓝字发票 {blue}：红字发票由开具蓝字发票的销方开具",
		En: "blue invoice {blue} of confirmation slip {slip} is not in this workstation's store: the seller that issued it issues the red invoice"},
	"refused.slip_amounts": {
		Zh: "本机可冲红 {amount} + {tax} = {total}，与红字发票信息确认单 {slip} 的 {slip_amount} + {slip_tax} = {slip_total} 不符；未开具",
		En: "the red invoice would be {amount} + {tax} = {total}, confirmation slip {slip} states {slip_amount} + {slip_tax} = {slip_total}; nothing issued"},
	"refused.code_kind": {
		Zh: "发票代码{code}不是{title}的代码",
		En: "the device offers code {code} for a {kind} invoice"},
	"headroom.locked": {
		Zh: "订单 {order} 拆分为 {parts} 张发票，税控设备现在不能开票：{lock}；未开具任何发票",
		En: "order {order}, {parts} invoices: the device refuses to issue now ({lock_en}); nothing issued"},
	"headroom.stock": {
		Zh: "订单 {order} 拆分为 {parts} 张发票，需要 {need} 个发票号码，设备只剩 {left} 个（发票库存）；未开具任何发票",
		En: "order {order}, {parts} invoices: needs {need} invoice numbers, the stock holds {left}; nothing issued"},
	"headroom.stock/kind": {
		Zh: "订单 {order} 拆分为 {parts} 张发票，需要 {need} 个{title}号码，设备只剩 {left} 个（发票库存）；未开具任何发票",
		En: "order {order}, {parts} invoices: needs {need} {kind} numbers, the stock holds {left}; nothing issued"},
	"headroom.offline_amount": {
		Zh: "订单 {order} 拆分为 {parts} 张发票，合计不含税金额 ¥{amount} 超过离线开票剩余额度 ¥{left}（离线正数累计金额上限 ¥{limit}），请先上传已开发票；未开具任何发票",
		En: "order {order}, {parts} invoices: amount {amount} exceeds the offline headroom {left} (offline amount limit {limit}); nothing issued"},
	"headroom.offline_hours": {
		Zh: "订单 {order} 拆分为 {parts} 张发票，离线开票时长将于 {at} 用完，开完全部发票之前就会锁定，请先上传已开发票；未开具任何发票",
		En: "order {order}, {parts} invoices: the offline hours run out at {at_rfc3339}, before the order could finish; nothing issued"},
	"headroom.month_lock": {
		Zh: "订单 {order} 拆分为 {parts} 张发票，开票截止时间 {at} 将在开完之前到达，请先抄报并清卡；未开具任何发票",
		En: "order {order}, {parts} invoices: the month locks at {at_rfc3339}, before the order could finish; nothing issued"},
}

// init merges the sections into the catalogue: one map, one lookup, one test.
func init() {
	for _, section := range []map[string]Message{ruleMessages, sentinels, problems, hints, storeMessages, deviceMessages, printMessages, linkMessages, uiMessages, exportMessages, startMessages, digitalMessages} {
		for k, m := range section {
			if _, dup := catalogue[k]; dup {
				panic("invoice: catalogue key " + k + " given twice")
			}
			catalogue[k] = m
		}
	}
}
