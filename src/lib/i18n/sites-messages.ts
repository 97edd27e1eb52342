// Strings of the site suggestion's methods (greedy, optimal MCLP / LSCP by HiGHS), Chinese first;
// merged into the catalogue in messages.ts. English must keep the same keys (the type enforces it).
export const sitesZh = {
	'sites.method': '选址方式',
	'sites.method.greedy': '贪心',
	'sites.method.mclp': '最优（覆盖最多户）',
	'sites.method.lscp': '最少设施全覆盖',
	'sites.method.hint': '贪心逐个选点，快但未必最好；“最优”在 {s} 秒内用整数规划求解并证明最优，否则给出时限内最好解与差距',
	'sites.suggest.greedy': '建议新增 {k} 处',
	'sites.suggest.mclp': '求最优 {k} 处',
	'sites.suggest.lscp': '求最少设施',
	'sites.optimal': '已证明最优',
	'sites.timeLimit': '时限内最好解，差距 {gap}%',
	'sites.infeasible': '容量不足，无法覆盖全部住户',
	'sites.covered': '共覆盖 {n} 户（待覆盖 {total} 户）',
	'sites.greedyShort': '贪心方案少覆盖 {n} 户（{pct}%）',
	'sites.greedySame': '贪心方案同样好',
	'sites.greedyExtra': '贪心方案需 {n} 处，多用 {extra} 处',
	'sites.uncoverable': '{n} 户（{b} 栋）不在任何候选地点服务范围内',
	'sites.solving': '求解中…'
};

export const sitesEn: Record<keyof typeof sitesZh, string> = {
	'sites.method': 'Method',
	'sites.method.greedy': 'Greedy',
	'sites.method.mclp': 'Optimal (most households)',
	'sites.method.lscp': 'Fewest sites covering all',
	'sites.method.hint':
		'Greedy picks one site at a time: fast, not always best. Optimal solves an integer programme and proves the optimum within {s} s, or gives the best found and its gap',
	'sites.suggest.greedy': 'Suggest {k} new sites',
	'sites.suggest.mclp': 'Find the best {k} sites',
	'sites.suggest.lscp': 'Find the fewest sites',
	'sites.optimal': 'Proven optimal',
	'sites.timeLimit': 'Best found within the time limit, gap {gap}%',
	'sites.infeasible': 'The capacities cannot serve every household',
	'sites.covered': '{n} households covered (of {total} to cover)',
	'sites.greedyShort': 'The greedy plan covers {n} households fewer ({pct}%)',
	'sites.greedySame': 'The greedy plan is as good',
	'sites.greedyExtra': 'The greedy plan needs {n} sites, {extra} more',
	'sites.uncoverable': '{n} households ({b} buildings) lie beyond every candidate site',
	'sites.solving': 'Solving…'
};
