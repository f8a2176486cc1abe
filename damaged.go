package main

import "fmt"

// damagedText is what the start-up dialog says when the data file is damaged: that no
// issued invoice is lost, and the way out. Started from an icon, the clerk would never
// see a message on stderr.
func damagedText(data string, err error) string {
	return fmt.Sprintf("数据文件已损坏，开票程序不能打开它。已开具的发票没有丢失：它们保存在税控设备的记录里，"+
		"并已（或将）上传到服务平台。\n\n请按以下步骤恢复：\n"+
		"1. 检查：kaipiaoctl --data %q store check\n"+
		"2. 修复：kaipiaoctl --data %q store repair\n"+
		"   （损坏的文件会被保留在旁边；新文件由可读的记录、税控设备的记录和服务平台重建）\n\n%v", data, data, err)
}
