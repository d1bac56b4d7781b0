/**
 * The demo city: Zhangjiagang's towns with generated but plausible communities, and the demo users
 * of DESIGN.md ("Demo city"). Every community `<id>` has a worker `<id>-1` and every town `<id>` a
 * reviewer `<id>-reviewer`, so that tools can act in many rooms at once. Demo data only: the
 * server refuses to seed it in production.
 */

export const DEMO_PASSWORD = 'demo';

import type { Role, Scope } from '../src/lib/domain/access.ts';

export interface Town {
	id: string;
	name: string;
}

export interface Community {
	id: string;
	name: string;
	townId: string;
}

export interface DemoUser {
	username: string;
	name: string;
	role: Role;
	scope: Scope;
}

export interface DemoCity {
	name: string;
	towns: Town[];
	communities: Community[];
	users: DemoUser[];
}

/** Towns and their communities as `id:名称` pairs, one string a town. */
const org: ReadonlyArray<readonly [string, string, string]> = [
	[
		'yangshe',
		'杨舍镇',
		'daxin:大新社区,chengbei:城北社区,chengxi:城西社区,huachang:华昌社区,dongdian:东苑社区,' +
			'nanhuan:南环社区,hubin:湖滨社区,xihuan:西环社区,jinguang:金光社区,shijia:施家社区,' +
			'kouan:口岸社区,wanhong:万红社区'
	],
	[
		'jingkai',
		'经开区',
		'tanglian:汤联社区,sanxing:三兴社区,chenyang:晨阳社区,xiaocheng:小城社区,' +
			'dongshuang:东双社区,heping:和平社区,chengdong:城东社区,zhaofeng:兆丰社区,' +
			'lianxing:联兴社区,guotai:国泰社区,hengsheng:恒升社区'
	],
	[
		'tangqiao',
		'塘桥镇',
		'tangqiaoshequ:塘桥社区,hanshan:韩山社区,luyuan:鹿苑社区,fuqiao:富桥社区,' +
			'qingcaoxiang:青草巷社区,miaoqiao:妙桥社区,xiyang:西旸社区,mudan:牡丹社区,' +
			'tangshi:塘市社区,huashan:花山社区'
	],
	[
		'jingang',
		'金港街道',
		'gangqu:港区社区,houcheng:后塍社区,changshan:长山社区,dexi:德积社区,' +
			'xiaoshi:晓市社区,jinhai:金海社区,gangxing:港兴社区,nanshan:南山社区,' +
			'shuangqiao:双桥社区,xiangyang:向阳社区'
	],
	[
		'jinfeng',
		'锦丰镇',
		'jinfengshequ:锦丰社区,sanxingqiao:三星桥社区,xianfeng:先锋社区,jinyuan:锦园社区,' +
			'xingfu:幸福社区,xinzhuang:新庄社区,shuanglian:双联社区,yangjiao:杨角社区,' +
			'anqing:安庆社区,hongguang:红光社区'
	],
	[
		'leyu',
		'乐余镇',
		'leyushequ:乐余社区,zhaoxi:兆熙社区,qingtian:青田社区,sanxin:三新社区,' +
			'gaofeng:高峰社区,yongle:永乐社区,dongxing:东兴社区,yangshan:杨山社区,' +
			'quanqin:全勤社区,changxing:长兴社区'
	],
	[
		'fenghuang',
		'凤凰镇',
		'fenghuangshequ:凤凰社区,hengjing:恒泾社区,xiangshan:香山社区,qiqiao:奇桥社区,' +
			'gangkou:港口社区,anding:安定社区,fengyang:凤阳社区,jinfengli:金凤社区,' +
			'shuangxing:双杏社区,chunlei:春雷社区'
	],
	[
		'nanfeng',
		'南丰镇',
		'nanfengshequ:南丰社区,yongfeng:永丰社区,minfeng:民丰社区,zhaodong:兆东社区,' +
			'hexing:和兴社区,xiaoqiao:小桥社区,yongqing:永庆社区,nanshi:南市社区,' +
			'haiba:海坝社区,fengle:丰乐社区'
	],
	[
		'daxinzhen',
		'大新镇',
		'daxinzhenshequ:大新镇社区,xinzhong:新中社区,changjiang:长江社区,sansha:三沙社区,' +
			'xinhua:新华社区,pingbei:平北社区,nanxin:南新社区,xinjie:新街社区,' +
			'dongfang:东方社区,yanjiang:沿江社区'
	],
	[
		'changyinsha',
		'常阴沙',
		'changyinshashequ:常阴沙社区,wanhe:万和社区,tianfeng:天丰社区,changfeng:常丰社区,' +
			'zhongxing:中兴社区,xingang:新港社区,shengli:胜利社区,hongqi:红旗社区'
	],
	[
		'baoshui',
		'保税区',
		'baoshuishequ:保税区社区,gangcheng:港城社区,binjiang:滨江社区,' +
			'chengyuan:城园社区,jiangfan:江帆社区,xinggang:兴港社区'
	],
	['shuangshan', '双山岛', 'shuangshanshequ:双山社区,xiangshanxi:香山西社区,dao:岛中社区']
];

function parseCommunities(townId: string, list: string): Community[] {
	return list.split(',').map((pair) => {
		const [id, name] = pair.split(':');
		if (!id || !name) throw new Error(`bad demo community entry "${pair}"`);
		return { id, name, townId };
	});
}

/** Builds the demo city afresh (plain data, no shared mutable state). */
export function demoCity(): DemoCity {
	const towns: Town[] = org.map(([id, name]) => ({ id, name }));
	const communities = org.flatMap(([townId, , list]) => parseCommunities(townId, list));
	const townName = new Map(towns.map((town) => [town.id, town.name]));
	const users: DemoUser[] = [];
	for (const community of communities) {
		const scope: Scope = `community:${community.id}`;
		users.push({
			username: `${community.id}-1`,
			name: `${community.name}工作者 1`,
			role: 'worker',
			scope
		});
		if (community.id === 'tanglian') {
			users.push({
				username: 'tanglian-2',
				name: `${community.name}工作者 2`,
				role: 'worker',
				scope
			});
		}
	}
	for (const town of towns) {
		users.push({
			username: `${town.id}-reviewer`,
			name: `${townName.get(town.id) ?? town.id}审核员`,
			role: 'reviewer',
			scope: `town:${town.id}`
		});
	}
	users.push(
		{
			username: 'city-supervisor',
			name: '市民政局督查员',
			role: 'supervisor',
			scope: 'city'
		},
		{ username: 'city-finance', name: '市财政局', role: 'finance', scope: 'city' },
		{ username: 'admin', name: '系统管理员', role: 'admin', scope: 'city' }
	);
	return { name: '张家港市', towns, communities, users };
}
